import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InputValidationError, type InputIssue } from './errors.js';
import { formatPath, parseYamlWithSchema } from './parse-yaml.js';

const siteSchema = z.strictObject({
  name: z.string().min(1, { error: 'must not be empty' }),
  radiusM: z.number().positive({ error: 'must be positive' }),
  tags: z.array(z.string()).default([]),
});

const schema = z.strictObject({
  title: z.string(),
  sites: z.array(siteSchema).default([]),
  limits: z.record(z.string(), z.strictObject({ maxPosts: z.number().int() })).default({}),
});

/** The issues `parseYamlWithSchema` reports for `text`; fails the test when it accepts the text. */
function issuesFor(text: string): readonly InputIssue[] {
  try {
    parseYamlWithSchema(text, 'sites.yaml', schema);
  } catch (error) {
    expect(error).toBeInstanceOf(InputValidationError);
    return (error as InputValidationError).issues;
  }
  throw new Error('parseYamlWithSchema accepted the text');
}

describe('formatPath', () => {
  it('joins names with dots and indexes with brackets', () => {
    expect(formatPath(['sites', 0, 'tags', 2])).toBe('sites[0].tags[2]');
  });

  it('starts with an index when the root is a list', () => {
    expect(formatPath([1, 'name'])).toBe('[1].name');
  });

  it('is empty for the root', () => {
    expect(formatPath([])).toBe('');
  });
});

describe('parseYamlWithSchema', () => {
  describe('valid text', () => {
    it('returns the parsed value with defaults filled in', () => {
      const value = parseYamlWithSchema('title: Plants\nsites:\n  - name: Plant 2\n    radiusM: 400\n', 'sites.yaml', schema);

      expect(value).toEqual({ title: 'Plants', sites: [{ name: 'Plant 2', radiusM: 400, tags: [] }], limits: {} });
    });

    it('resolves anchors and aliases', () => {
      const value = parseYamlWithSchema(
        'title: Plants\nsites:\n  - &plant {name: Plant 2, radiusM: 400}\n  - *plant\n',
        'sites.yaml',
        schema,
      );

      expect(value.sites).toEqual([
        { name: 'Plant 2', radiusM: 400, tags: [] },
        { name: 'Plant 2', radiusM: 400, tags: [] },
      ]);
    });
  });

  describe('wrong values', () => {
    it('reports the YAML path, 1-based line and column, and the bad value', () => {
      expect(issuesFor('title: Plants\nsites:\n  - name: Plant 2\n    radiusM: -5\n')).toEqual([
        { path: 'sites[0].radiusM', message: 'must be positive (got -5)', line: 4, column: 14 },
      ]);
    });

    it('reports every problem at once, in the order of the text', () => {
      const issues = issuesFor('title: 7\nsites:\n  - name: ""\n    radiusM: 0\n');

      expect(issues.map((issue) => [issue.path, issue.line])).toEqual([
        ['title', 1],
        ['sites[0].name', 3],
        ['sites[0].radiusM', 4],
      ]);
    });

    it('says a missing field is required, with the type it needs', () => {
      expect(issuesFor('sites: []\n')).toEqual([{ path: 'title', message: 'is required (string)', line: 1, column: 1 }]);
    });

    it('locates a missing field at its parent mapping', () => {
      expect(issuesFor('title: Plants\nsites:\n  - name: Plant 2\n')).toEqual([
        { path: 'sites[0].radiusM', message: 'is required (number)', line: 3, column: 5 },
      ]);
    });

    it('shortens a long bad value to 80 characters', () => {
      const [issue] = issuesFor(`title: [${'x'.repeat(100)}]\n`);

      expect(issue?.message).toBe(`Invalid input: expected string, received array (got ["${'x'.repeat(75)}...)`);
    });

    it('reports a value inside a record under its key', () => {
      expect(issuesFor('title: Plants\nlimits:\n  mastodon: {maxPosts: 2.5}\n')).toEqual([
        {
          path: 'limits.mastodon.maxPosts',
          message: 'Invalid input: expected int, received number (got 2.5)',
          line: 3,
          column: 24,
        },
      ]);
    });

    it('reports a document that is not a mapping', () => {
      expect(issuesFor('- Plant 2\n- Plant 3\n')).toEqual([
        { path: '', message: 'Invalid input: expected object, received array (got ["Plant 2","Plant 3"])', line: 1, column: 1 },
      ]);
    });
  });

  describe('unknown fields', () => {
    it('suggests the closest known field', () => {
      expect(issuesFor('title: Plants\nsite: []\n')).toEqual([
        { path: 'site', message: 'is not a known field; did you mean "sites"?', line: 2, column: 1 },
      ]);
    });

    it('suggests a known field in a nested mapping', () => {
      expect(issuesFor('title: Plants\nsites:\n  - name: Plant 2\n    radiusM: 400\n    tag: [hangar]\n')).toEqual([
        { path: 'sites[0].tag', message: 'is not a known field; did you mean "tags"?', line: 5, column: 5 },
      ]);
    });

    it('lists the known fields when none is close', () => {
      expect(issuesFor('title: Plants\ncolour: red\n')).toEqual([
        { path: 'colour', message: 'is not a known field; known fields: title, sites, limits', line: 2, column: 1 },
      ]);
    });

    it('ignores case when looking for a close field', () => {
      expect(issuesFor('Title: Plants\n')).toContainEqual({
        path: 'Title',
        message: 'is not a known field; did you mean "title"?',
        line: 1,
        column: 1,
      });
    });

    it('reports every unknown field in one mapping', () => {
      const issues = issuesFor('title: Plants\nsite: []\nlimit: {}\n');

      expect(issues.map((issue) => issue.path)).toEqual(['site', 'limit']);
    });
  });

  describe('YAML syntax', () => {
    it('reports a syntax error with its line and column', () => {
      expect(issuesFor('title: Plants\nsites: [Plant 2\n')).toEqual([
        {
          path: '',
          message: expect.stringMatching(/^is not valid YAML: Flow sequence in block collection must be sufficiently indented/u) as unknown,
          line: 3,
          column: 1,
        },
      ]);
    });

    it('reports a repeated key as a syntax error', () => {
      expect(issuesFor('title: Plants\ntitle: Sites\n')).toEqual([
        { path: '', message: expect.stringMatching(/^is not valid YAML: Map keys must be unique/u) as unknown, line: 2, column: 1 },
      ]);
    });

    it('names the source in the message', () => {
      expect(() => parseYamlWithSchema('title: [\n', 'config/sites.yaml', schema)).toThrow(/^config\/sites\.yaml has 1 problem:/u);
    });
  });

  describe('empty text', () => {
    it('rejects empty text as not a mapping', () => {
      expect(issuesFor('')).toEqual([{ path: '', message: 'is empty: expected a YAML mapping' }]);
    });

    it('rejects text that holds only comments', () => {
      expect(issuesFor('# nothing here yet\n')).toEqual([{ path: '', message: 'is empty: expected a YAML mapping' }]);
    });
  });
});
