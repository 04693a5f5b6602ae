import { describe, expect, it } from 'vitest';
import { InputValidationError } from '../core/errors.js';
import { UNSAFE_REGEX_MESSAGE } from '../core/is-regex-safe.js';
import { testPack, testRule } from '../test/support/test-rule-set.js';
import { checkPattern, parseRulePack } from './parse-rule-pack.js';

const SOURCE = 'rules/packs/test-pack.yaml';

/** The InputValidationError parsing `text` throws; fails the test when it parses. */
function errorOf(text: string): InputValidationError {
  try {
    parseRulePack({ source: SOURCE, text });
  } catch (error) {
    expect(error).toBeInstanceOf(InputValidationError);
    return error as InputValidationError;
  }
  throw new Error('the pack was accepted');
}

describe('parseRulePack', () => {
  it('parses a valid pack and fills in the defaults', () => {
    const parsed = parseRulePack({ source: SOURCE, text: testPack('markings', testRule('marking-confidential')) });
    expect(parsed.rules[0]).toMatchObject({
      id: 'marking-confidential',
      phrases: ['confidential'],
      keywords: [],
      patterns: [],
      match: 'normalized',
      emit: true,
      context: [],
    });
  });

  it('defaults a context group window to 8 words', () => {
    const parsed = parseRulePack({
      source: SOURCE,
      text: testPack('markings', testRule('marking-confidential', '    phrases: [confidential]\n    context: [{words: [memo], score: 10}]\n')),
    });
    expect(parsed.rules[0]?.context[0]?.window).toBe(8);
  });

  it('refuses an invalid regular expression, naming the pack file, the rule and the field', () => {
    const error = errorOf(testPack('markings', testRule('secret-broken', "    patterns: ['(unclosed']\n")));
    expect(error.source).toBe(SOURCE);
    expect(error.message).toContain(SOURCE);
    expect(error.message).toContain('rules[0] (secret-broken).patterns[0]: is not a valid regular expression');
  });

  it('refuses a regular expression with nested repetition (ReDoS), naming the pack file, the rule and the field', () => {
    const error = errorOf(testPack('markings', testRule('secret-slow', "    patterns: ['((?:a+)+)b']\n")));
    expect(error.message).toContain(SOURCE);
    expect(error.message).toContain(`rules[0] (secret-slow).patterns[0]: ${UNSAFE_REGEX_MESSAGE}`);
  });

  it('refuses a pattern without a capture group, naming the pack file, the rule and the field', () => {
    const error = errorOf(testPack('markings', testRule('secret-no-group', "    patterns: ['akia[0-9a-z]{16}']\n")));
    expect(error.message).toContain(SOURCE);
    expect(error.message).toContain('rules[0] (secret-no-group).patterns[0]: needs a capture group');
  });

  it('accepts a pattern whose only group is a named evidence group', () => {
    const parsed = parseRulePack({ source: SOURCE, text: testPack('markings', testRule('secret-named', "    patterns: ['key=(?<evidence>\\w+)']\n")) });
    expect(parsed.rules[0]?.patterns).toEqual(['key=(?<evidence>\\w+)']);
  });

  it('refuses an unsafe allow pattern, naming the rule and the field', () => {
    const error = errorOf(testPack('markings', testRule('marking-allow', "    phrases: [confidential]\n    allow: ['(\\d+\\s?)*x']\n")));
    expect(error.message).toContain('rules[0] (marking-allow).allow[0]');
  });

  it('refuses an unknown field and suggests the field meant', () => {
    const error = errorOf(testPack('markings', testRule('marking-typo', '    phrases: [confidential]\n    keyword: [confiden]\n')));
    expect(error.message).toContain(SOURCE);
    expect(error.message).toContain('rules[0] (marking-typo).keyword: is not a known field; did you mean "keywords"?');
  });

  it('gives the line of an unknown field', () => {
    const error = errorOf(testPack('markings', testRule('marking-typo', '    phrases: [confidential]\n    keyword: [confiden]\n')));
    expect(error.issues[0]?.line).toBe(10);
  });

  it('refuses a rule with an empty list of leak examples, naming the rule and the field', () => {
    const error = errorOf(
      testPack('markings', testRule('marking-no-leak', '    phrases: [confidential]\n    examples: {leak: [], clean: [hello]}\n')),
    );
    expect(error.message).toContain(SOURCE);
    expect(error.message).toContain('rules[0] (marking-no-leak).examples.leak: must have at least one leak example');
  });

  it('refuses a rule without leak examples, naming the rule and the field', () => {
    const error = errorOf(testPack('markings', testRule('marking-no-leak', '    phrases: [confidential]\n    examples: {clean: [hello]}\n')));
    expect(error.message).toContain('rules[0] (marking-no-leak).examples.leak: is required');
  });

  it('refuses a rule without clean examples', () => {
    const error = errorOf(testPack('markings', testRule('marking-no-clean', '    phrases: [confidential]\n    examples: {leak: [CONFIDENTIAL], clean: []}\n')));
    expect(error.message).toContain('rules[0] (marking-no-clean).examples.clean: must have at least one clean example');
  });

  it('refuses a rule id repeated in the same pack, naming the pack file, the rule and the field', () => {
    const error = errorOf(testPack('markings', testRule('marking-twice'), testRule('marking-twice')));
    expect(error.message).toContain(SOURCE);
    expect(error.message).toContain('rules[1] (marking-twice).id: repeats an earlier rule id');
  });

  it('refuses a rule id that is not kebab-case', () => {
    const error = errorOf(testPack('markings', testRule('Marking_Confidential')));
    expect(error.message).toContain('rules[0] (Marking_Confidential).id: must be a kebab-case rule id');
  });

  it('refuses a rule with nothing to match', () => {
    const error = errorOf(testPack('markings', testRule('marking-empty', '')));
    expect(error.message).toContain('rules[0] (marking-empty).patterns: the rule needs phrases, patterns or a composite');
  });

  it('refuses a composite rule that also has phrases', () => {
    const error = errorOf(
      testPack('markings', testRule('marking-both', '    phrases: [confidential]\n    composite: {parts: [a, b], within: {words: 5}}\n')),
    );
    expect(error.message).toContain('rules[0] (marking-both).composite');
  });

  it('refuses maxLength below minLength', () => {
    const error = errorOf(testPack('markings', testRule('secret-lengths', "    patterns: ['(\\w+)']\n    minLength: 10\n    maxLength: 5\n")));
    expect(error.message).toContain('rules[0] (secret-lengths).maxLength: is below minLength (10)');
  });

  it('refuses requireContext without a positive context group', () => {
    const error = errorOf(
      testPack('markings', testRule('marking-context', '    phrases: [confidential]\n    requireContext: true\n    context: [{words: [joke], score: -20}]\n')),
    );
    expect(error.message).toContain('rules[0] (marking-context).requireContext');
  });

  it('refuses a booster that reports on its own', () => {
    const error = errorOf(
      testPack('markings', testRule('marking-booster', '    phrases: [not public yet]\n    boost: {categories: [financial], score: 15}\n')),
    );
    expect(error.message).toContain('rules[0] (marking-booster).emit: a booster does not report on its own');
  });

  it('reports problems of several rules at once', () => {
    const error = errorOf(
      testPack('markings', testRule('secret-broken', "    patterns: ['(unclosed']\n"), testRule('marking-typo', '    phrases: [x]\n    keyword: [x]\n')),
    );
    expect(error.issues.map((issue) => issue.path)).toEqual(['rules[0] (secret-broken).patterns[0]', 'rules[1] (marking-typo).keyword']);
  });

  it('reports a schema problem and a pattern without a capture group at once', () => {
    const error = errorOf(
      testPack('markings', testRule('marking-typo', '    phrases: [x]\n    keyword: [x]\n'), testRule('secret-no-group', "    patterns: ['akia[0-9a-z]{16}']\n")),
    );
    expect(error.issues.map((issue) => issue.path)).toEqual(['rules[0] (marking-typo).keyword', 'rules[1] (secret-no-group).patterns[0]']);
  });

  it('reports a schema problem and an unsafe pattern at once, the pattern once', () => {
    const error = errorOf(
      testPack('markings', testRule('marking-typo', '    phrases: [x]\n    keyword: [x]\n'), testRule('secret-slow', "    patterns: ['((?:a+)+)b']\n")),
    );
    expect(error.issues.map((issue) => issue.path)).toEqual(['rules[0] (marking-typo).keyword', 'rules[1] (secret-slow).patterns[0]']);
    expect(error.issues[1]?.message).toContain(UNSAFE_REGEX_MESSAGE);
  });

  it('refuses YAML that does not parse, naming the pack file', () => {
    const error = errorOf('pack: markings\nrules: [\n');
    expect(error.message).toContain(SOURCE);
    expect(error.message).toContain('is not valid YAML');
  });

  it('refuses a pack without rules', () => {
    const error = errorOf('pack: markings\ndescription: Test pack.\nrules: []\n');
    expect(error.message).toContain('rules: must have at least one rule');
  });
});

describe('checkPattern', () => {
  it('accepts a safe pattern with a capture group', () => {
    expect(checkPattern('(AKIA[0-9A-Z]{16})')).toBeUndefined();
  });

  it('explains a pattern without a capture group', () => {
    expect(checkPattern('AKIA[0-9A-Z]{16}')).toContain('needs a capture group');
  });

  it('does not count a non-capturing group as a capture group', () => {
    expect(checkPattern('(?:AKIA)[0-9A-Z]{16}')).toContain('needs a capture group');
  });

  it('explains an invalid pattern', () => {
    expect(checkPattern('([a-')).toContain('is not a valid regular expression');
  });

  it('explains an unsafe pattern', () => {
    expect(checkPattern('((a+)+)')).toBe(UNSAFE_REGEX_MESSAGE);
  });
});
