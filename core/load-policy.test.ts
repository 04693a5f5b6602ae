import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, InputValidationError, type InputIssue } from './errors.js';
import { defaultPolicy, loadPolicyFile, parsePolicy } from './load-policy.js';

const EXAMPLE_POLICY = fileURLToPath(new URL('../examples/overshare.policy.yaml', import.meta.url));
const MINIMAL = 'version: 1\norganisation:\n  name: Acme\n';

/** The InputValidationError that `run` throws or rejects with; fails the test when there is none. */
async function validationErrorFrom(run: () => unknown): Promise<InputValidationError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(InputValidationError);
    return error as InputValidationError;
  }
  throw new Error('expected an InputValidationError, got none');
}

async function issuesOf(text: string): Promise<readonly InputIssue[]> {
  return (await validationErrorFrom(() => parsePolicy(text, 'acme.policy.yaml'))).issues;
}

describe('parsePolicy', () => {
  it('fills in every default for a minimal policy', () => {
    expect(parsePolicy(MINIMAL, 'acme.policy.yaml')).toEqual({
      version: 1,
      organisation: { name: 'Acme', aliases: [] },
      codeNames: [],
      internalDomains: [],
      internalHostnames: [],
      emailDomains: [],
      sensitiveSites: [],
      confidentialDocuments: [],
      packs: ['markings', 'secrets', 'pii', 'business', 'organisation', 'fingerprints', 'takeover'],
      overrides: {},
      allowlists: { global: [], rules: {}, accounts: {} },
      reviewThreshold: 60,
      languages: ['en', 'ru', 'uk', 'pl', 'el'],
      retention: { findingsDays: 365, resolvedFindingsDays: 180, cleanPostsDays: 30, eventsDays: 90, auditLogDays: 730 },
      takeover: { burstWindowHours: 6, burstFactor: 3, burstMinPosts: 8, baselineDays: 30, ownDomains: [] },
    });
  });

  it('reports every problem at once with YAML path, line, column and the bad value', async () => {
    const text = [
      'version: 1',
      'organisation:',
      '  name: Acme',
      'reviewThreshold: 101',
      'sensitiveSites:',
      '  - name: Plant 2',
      '    lat: 95',
      '    lon: 21.0122',
      '    radiusM: 400',
      "employeeIdPattern: 'ACME-(\\d'",
      '',
    ].join('\n');

    expect(await issuesOf(text)).toEqual([
      { path: 'reviewThreshold', message: 'Too big: expected number to be <=100 (got 101)', line: 4, column: 18 },
      { path: 'sensitiveSites[0].lat', message: 'Too big: expected number to be <=90 (got 95)', line: 7, column: 10 },
      {
        path: 'employeeIdPattern',
        message: 'is not a valid regular expression: Invalid regular expression: /ACME-(\\d/u: Unterminated group (got "ACME-(\\\\d")',
        line: 10,
        column: 20,
      },
    ]);
  });

  it('formats the problems as source:line:column in the message', async () => {
    const error = await validationErrorFrom(() => parsePolicy(`${MINIMAL}reviewThreshold: 101\n`, 'acme.policy.yaml'));

    expect(error.message).toBe(
      [
        'acme.policy.yaml has 1 problem:',
        '  acme.policy.yaml:4:18  reviewThreshold: Too big: expected number to be <=100 (got 101)',
      ].join('\n'),
    );
  });

  it('suggests "organisation" for the American spelling', async () => {
    expect(await issuesOf('version: 1\norganization:\n  name: Acme\n')).toContainEqual({
      path: 'organization',
      message: 'is not a known field; did you mean "organisation"?',
      line: 2,
      column: 1,
    });
  });

  it('reports a missing organisation as required', async () => {
    expect(await issuesOf('version: 1\n')).toEqual([{ path: 'organisation', message: 'is required (object)', line: 1, column: 1 }]);
  });

  it('gives a YAML syntax error its line number', async () => {
    const [issue] = await issuesOf('version: 1\norganisation:\n  name: Acme\n  aliases: [Acme Corp\n');

    expect([issue?.path, issue?.line]).toEqual(['', 5]);
  });

  it('names the invalid regular expression in employeeIdPattern', async () => {
    const [issue] = await issuesOf(`${MINIMAL}employeeIdPattern: '[A-Z'\n`);

    expect([issue?.path, issue?.message]).toEqual([
      'employeeIdPattern',
      'is not a valid regular expression: Invalid regular expression: /[A-Z/u: Unterminated character class (got "[A-Z")',
    ]);
  });

  it('accepts a valid employeeIdPattern in Unicode mode', () => {
    expect(parsePolicy(`${MINIMAL}employeeIdPattern: '\\p{Lu}{3}-\\d{6}'\n`, 'acme.policy.yaml').employeeIdPattern).toBe(
      '\\p{Lu}{3}-\\d{6}',
    );
  });

  it('reports a repeated code name, ignoring case', async () => {
    expect(await issuesOf(`${MINIMAL}codeNames:\n  - name: Falcon\n  - name: falcon\n`)).toEqual([
      {
        path: 'codeNames[1].name',
        message: 'repeats entry 0 ("falcon"); each must be unique (got "falcon")',
        line: 6,
        column: 11,
      },
    ]);
  });

  it('reports a repeated confidential document id', async () => {
    const text = `${MINIMAL}confidentialDocuments:\n  - {id: memo, title: A, path: a.txt}\n  - {id: memo, title: B, path: b.txt}\n`;

    expect(await issuesOf(text)).toEqual([
      {
        path: 'confidentialDocuments[1].id',
        message: 'repeats entry 0 ("memo"); each must be unique (got "memo")',
        line: 6,
        column: 10,
      },
    ]);
  });

  it('reports a repeated name together with a problem elsewhere', async () => {
    const issues = await issuesOf(`${MINIMAL}codeNames:\n  - name: Falcon\n  - name: Falcon\nreviewThreshold: 101\n`);

    expect(issues.map((issue) => issue.path)).toEqual(['codeNames[1].name', 'reviewThreshold']);
  });

  it('turns the allowlist short form into a text entry', () => {
    const policy = parsePolicy(`${MINIMAL}allowlists:\n  global:\n    - press@acme.example\n`, 'acme.policy.yaml');

    expect(policy.allowlists.global).toEqual([{ text: 'press@acme.example' }]);
  });

  it('keeps an allowlist text entry with its reason as written', () => {
    const policy = parsePolicy(
      `${MINIMAL}allowlists:\n  global:\n    - text: press@acme.example\n      reason: public contact\n`,
      'acme.policy.yaml',
    );

    expect(policy.allowlists.global).toEqual([{ text: 'press@acme.example', reason: 'public contact' }]);
  });

  it('reports a repeated code name together with a problem elsewhere', async () => {
    const issues = await issuesOf(`${MINIMAL}codeNames: [{name: Falcon}, {name: falcon}]\npacks: [nope]\n`);
    expect(issues.map((issue) => issue.path)).toEqual(['codeNames[1].name', 'packs[0]']);
  });

  it('names a bad rule id used as an override key, at the key', async () => {
    const issues = await issuesOf(`${MINIMAL}overrides:\n  Bad_Rule: {score: 50}\n  good-rule: {score: 50}\n`);
    expect(issues).toEqual([
      { path: 'overrides.Bad_Rule', message: 'has a bad key "Bad_Rule": the key must be a kebab-case rule id', line: 5, column: 3 },
    ]);
  });

  it('suggests the right field for a misspelt allowlist entry field', async () => {
    const issues = await issuesOf(`${MINIMAL}allowlists:\n  global:\n    - text: x\n      reasn: y\n`);
    expect(issues.map((issue) => [issue.path, issue.message])).toEqual([
      ['allowlists.global[0].reasn', 'is not a known field; did you mean "reason"?'],
    ]);
  });

  it('refuses a YAML alias bomb with a clear problem instead of expanding it', async () => {
    const bomb = [
      MINIMAL.trimEnd(),
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
      '',
    ].join('\n');
    const issues = await issuesOf(bomb);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.message).toMatch(/^cannot be expanded: .*Use fewer YAML aliases/u);
  });

  it('names a recursive alias as the bad value instead of crashing', async () => {
    const issues = await issuesOf('version: 1\norganisation: &o\n  name: *o\n');
    expect(issues.map((issue) => [issue.path, issue.message.endsWith('(got (a recursive alias))')])).toEqual([
      ['organisation.name', true],
    ]);
  });

  it('gives a YAML syntax error its position once, without a trailing colon', async () => {
    const issues = await issuesOf(`${MINIMAL}organisation:\n  name: Twice\n`);
    expect(issues).toEqual([{ path: '', message: 'is not valid YAML: Map keys must be unique', line: 4, column: 1 }]);
  });
});

describe('defaultPolicy', () => {
  it('names an unnamed organisation and turns every pack on', () => {
    const { source, policy, documentPaths } = defaultPolicy();

    expect([source, policy.organisation, policy.packs, documentPaths.size]).toEqual([
      '(built-in default)',
      { name: 'Unnamed organisation', aliases: [] },
      ['markings', 'secrets', 'pii', 'business', 'organisation', 'fingerprints', 'takeover'],
      0,
    ]);
  });
});

describe('loadPolicyFile', () => {
  let folder: string;

  beforeEach(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'overshare-policy-'));
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  async function writePolicy(documents: ReadonlyArray<{ id: string; path: string }>): Promise<string> {
    const lines = documents.map((document) => `  - {id: ${document.id}, title: Memo, path: '${document.path}'}`);
    const policyPath = path.join(folder, 'acme.policy.yaml');
    await writeFile(policyPath, `${MINIMAL}confidentialDocuments:\n${lines.join('\n')}\n`);
    return policyPath;
  }

  it('loads the shipped example with its values', async () => {
    const { source, policy, documentPaths } = await loadPolicyFile(EXAMPLE_POLICY);

    expect(source).toBe(EXAMPLE_POLICY);
    expect(policy.organisation).toEqual({ name: 'Halvard Aerospace', aliases: ['Halvard', 'HAE', 'Халвард', 'Хальвард', 'Χάλβαρντ'] });
    expect(policy.codeNames.map((codeName) => [codeName.name, codeName.caseSensitive])).toEqual([
      ['Nightjar', true],
      ['Saffron', true],
      ['Tundra-7', false],
    ]);
    expect(policy.employeeIdPattern).toBe('HAE-\\d{6}');
    expect(policy.sensitiveSites[0]).toEqual({ name: 'Plant 2 test hangar', lat: 52.2297, lon: 21.0122, radiusM: 400 });
    expect(policy.overrides).toEqual({ 'phone-number': { severity: 'low' }, 'marking-internal-use': { score: 55 } });
    expect(policy.allowlists.accounts).toEqual({
      'mastodon:@halvard@social.example': [{ text: 'Nightjar', reason: 'the corporate account announced Nightjar on launch day' }],
    });
    expect([policy.reviewThreshold, policy.languages]).toEqual([60, ['en', 'ru', 'uk', 'pl', 'el']]);
    expect([...documentPaths]).toEqual([['q3-board-memo', path.join(path.dirname(EXAMPLE_POLICY), 'documents/q3-board-memo.txt')]]);
  });

  it('resolves document paths against the policy folder, not the working directory', async () => {
    await mkdir(path.join(folder, 'documents'));
    await writeFile(path.join(folder, 'documents', 'memo.md'), '# Q3 memo\n');
    const policyPath = await writePolicy([{ id: 'q3-memo', path: 'documents/memo.md' }]);

    const { documentPaths } = await loadPolicyFile(policyPath);

    expect(documentPaths.get('q3-memo')).toBe(path.join(folder, 'documents', 'memo.md'));
  });

  it('accepts a document extension in upper case', async () => {
    await writeFile(path.join(folder, 'MEMO.TXT'), 'Q3 memo');
    const policyPath = await writePolicy([{ id: 'q3-memo', path: 'MEMO.TXT' }]);

    const { documentPaths } = await loadPolicyFile(policyPath);

    expect(documentPaths.get('q3-memo')).toBe(path.join(folder, 'MEMO.TXT'));
  });

  it('reports a document that does not exist', async () => {
    const policyPath = await writePolicy([{ id: 'q3-memo', path: 'missing.txt' }]);

    const error = await validationErrorFrom(() => loadPolicyFile(policyPath));

    expect(error.issues).toEqual([
      {
        path: 'confidentialDocuments[0].path',
        message: `cannot be read (ENOENT): ${path.join(folder, 'missing.txt')} (got "missing.txt")`,
      },
    ]);
  });

  it('reports an empty document', async () => {
    await writeFile(path.join(folder, 'empty.txt'), '');
    const policyPath = await writePolicy([{ id: 'q3-memo', path: 'empty.txt' }]);

    const error = await validationErrorFrom(() => loadPolicyFile(policyPath));

    expect(error.issues).toEqual([
      { path: 'confidentialDocuments[0].path', message: `is empty: ${path.join(folder, 'empty.txt')} (got "empty.txt")` },
    ]);
  });

  it('accepts a document of one byte', async () => {
    await writeFile(path.join(folder, 'tiny.txt'), 'x');
    const policyPath = await writePolicy([{ id: 'q3-memo', path: 'tiny.txt' }]);

    await expect(loadPolicyFile(policyPath)).resolves.toMatchObject({ source: policyPath });
  });

  it('reports a document that is neither .txt nor .md', async () => {
    await writeFile(path.join(folder, 'memo.pdf'), '%PDF-1.7');
    const policyPath = await writePolicy([{ id: 'q3-memo', path: 'memo.pdf' }]);

    const error = await validationErrorFrom(() => loadPolicyFile(policyPath));

    expect(error.issues).toEqual([{ path: 'confidentialDocuments[0].path', message: 'must be a .txt or .md file (got "memo.pdf")' }]);
  });

  it('reports a folder named like a document', async () => {
    await mkdir(path.join(folder, 'memo.txt'));
    const policyPath = await writePolicy([{ id: 'q3-memo', path: 'memo.txt' }]);

    const error = await validationErrorFrom(() => loadPolicyFile(policyPath));

    expect(error.issues).toEqual([
      { path: 'confidentialDocuments[0].path', message: `is not a file: ${path.join(folder, 'memo.txt')} (got "memo.txt")` },
    ]);
  });

  it('reports every bad document at once, each at its own index', async () => {
    await writeFile(path.join(folder, 'good.txt'), 'Q3 memo');
    const policyPath = await writePolicy([
      { id: 'missing', path: 'missing.txt' },
      { id: 'good', path: 'good.txt' },
      { id: 'pdf', path: 'memo.pdf' },
    ]);

    const error = await validationErrorFrom(() => loadPolicyFile(policyPath));

    expect([error.source, error.issues.map((issue) => issue.path)]).toEqual([
      policyPath,
      ['confidentialDocuments[0].path', 'confidentialDocuments[2].path'],
    ]);
  });

  it('names the policy file in a parse error', async () => {
    const policyPath = path.join(folder, 'acme.policy.yaml');
    await writeFile(policyPath, 'version: 2\norganisation:\n  name: Acme\n');

    const error = await validationErrorFrom(() => loadPolicyFile(policyPath));

    expect(error.message).toBe(
      `${policyPath} has 1 problem:\n  ${policyPath}:1:10  version: must be 1 (the only policy format so far) (got 2)`,
    );
  });

  it('throws a ConfigError naming a policy file that does not exist', async () => {
    const policyPath = path.join(folder, 'missing.policy.yaml');

    await expect(loadPolicyFile(policyPath)).rejects.toThrow(
      new ConfigError(
        `Cannot read the policy file ${policyPath}: ENOENT. Check the path (OVERSHARE_POLICY_FILE or the command argument); ` +
          'examples/overshare.policy.yaml is a complete example.',
      ),
    );
  });

  it('keeps the file system error as the cause', async () => {
    const error: unknown = await loadPolicyFile(path.join(folder, 'missing.policy.yaml')).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).cause).toMatchObject({ code: 'ENOENT' });
  });
});
