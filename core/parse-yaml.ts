import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { distance as editDistance } from 'fastest-levenshtein';
import { z } from 'zod';
import { InputValidationError, type InputIssue } from './errors.js';

/**
 * Parses YAML text and validates it with a zod schema. Every problem (YAML syntax, wrong type,
 * unknown field) is reported at once in an InputValidationError, each with its YAML path, line,
 * column and the bad value, and a "did you mean" hint for misspelt fields.
 */
export function parseYamlWithSchema<Schema extends z.ZodType>(
  text: string,
  source: string,
  schema: Schema,
): z.output<Schema> {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  if (document.errors.length > 0) {
    throw new InputValidationError(
      source,
      document.errors.map((error) => {
        const position = error.linePos?.[0];
        return {
          path: '',
          message: `is not valid YAML: ${firstLine(error.message)}`,
          ...(position ? { line: position.line, column: position.col } : {}),
        };
      }),
    );
  }
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // yaml refuses alias expansion past maxAliasCount (the "billion laughs" attack).
    throw new InputValidationError(source, [
      { path: '', message: `cannot be expanded: ${(error as Error).message}. Use fewer YAML aliases (*name).` },
    ]);
  }
  if (value === null || value === undefined) {
    throw new InputValidationError(source, [{ path: '', message: 'is empty: expected a YAML mapping' }]);
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues
    .flatMap((issue) => describeIssue(issue, document, lineCounter, value, schema))
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  throw new InputValidationError(source, issues);
}

/** `a.b[0].c` for the path segments `['a', 'b', 0, 'c']`. */
export function formatPath(segments: readonly PropertyKey[]): string {
  return segments
    .map((segment, index) =>
      typeof segment === 'number' ? `[${segment}]` : `${index === 0 ? '' : '.'}${String(segment)}`,
    )
    .join('');
}

function describeIssue(
  issue: z.core.$ZodIssue,
  document: Document,
  lineCounter: LineCounter,
  root: unknown,
  schema: z.ZodType,
): InputIssue[] {
  const segments = issue.path;
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(schema, segments);
    return issue.keys.map((key) => {
      const suggestion = closest(key, known);
      const hint = suggestion ? `; did you mean "${suggestion}"?` : known.length > 0 ? `; known fields: ${known.join(', ')}` : '';
      return {
        path: formatPath([...segments, key]),
        message: `is not a known field${hint}`,
        ...locate(keyNodeAt(document, segments, key), lineCounter),
      };
    });
  }
  if (issue.code === 'invalid_key') {
    const key = String(segments.at(-1));
    const reason = issue.issues[0]?.message ?? issue.message;
    return [
      {
        path: formatPath(segments),
        message: `has a bad key ${JSON.stringify(key)}: the key ${reason}`,
        ...locate(keyNodeAt(document, segments.slice(0, -1), key), lineCounter),
      },
    ];
  }
  const node = nearestNode(document, segments);
  const present = valueAt(root, segments);
  const got = present.found ? ` (got ${preview(present.value)})` : '';
  const message = present.found ? `${issue.message}${got}` : missingMessage(issue);
  return [{ path: formatPath(segments), message, ...locate(node, lineCounter) }];
}

function missingMessage(issue: z.core.$ZodIssue): string {
  return issue.code === 'invalid_type' ? `is required (${issue.expected})` : issue.message;
}

function nearestNode(document: Document, segments: readonly PropertyKey[]): Node | undefined {
  for (let length = segments.length; length >= 0; length -= 1) {
    const node = document.getIn(segments.slice(0, length) as unknown[], true);
    if (node && typeof node === 'object' && 'range' in node) return node as Node;
  }
  return document.contents ?? undefined;
}

function keyNodeAt(document: Document, segments: readonly PropertyKey[], key: string): Node | undefined {
  const parent = segments.length === 0 ? document.contents : document.getIn(segments as unknown[], true);
  if (isMap(parent)) {
    const pair = parent.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
    if (pair && isScalar(pair.key)) return pair.key;
  }
  return nearestNode(document, segments);
}

function locate(node: Node | null | undefined, lineCounter: LineCounter): { line?: number; column?: number } {
  const offset = node?.range?.[0];
  if (offset === undefined) return {};
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

function valueAt(root: unknown, segments: readonly PropertyKey[]): { found: boolean; value?: unknown } {
  let current: unknown = root;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object' || !(segment in current)) return { found: false };
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return { found: true, value: current };
}

function preview(value: unknown): string {
  let shown: string;
  try {
    shown = value === undefined ? 'nothing' : JSON.stringify(value);
  } catch {
    // An alias that refers to itself (`a: &a {b: *a}`) makes a value JSON cannot show.
    shown = '(a recursive alias)';
  }
  return shown.length > 80 ? `${shown.slice(0, 77)}...` : shown;
}

// yaml's pretty messages end in " at line L, column C:" and a snippet; the issue carries the position.
function firstLine(message: string): string {
  return message.replace(/\n[\s\S]*$/u, '').replace(/ at line \d+, column \d+:?$/u, '');
}

/** The field names an object schema accepts at `segments`, unwrapping optionals, arrays and records. */
function knownKeysAt(schema: z.ZodType, segments: readonly PropertyKey[]): string[] {
  let current: z.ZodType | undefined = unwrap(schema);
  for (const segment of segments) {
    if (current instanceof z.ZodObject) current = unwrap(current.shape[String(segment)] as z.ZodType | undefined);
    else if (current instanceof z.ZodArray) current = unwrap(current.element as z.ZodType);
    else if (current instanceof z.ZodRecord) current = unwrap(current.valueType as z.ZodType);
    else return [];
  }
  return keysOf(current);
}

function keysOf(schema: z.ZodType | undefined): string[] {
  if (schema instanceof z.ZodObject) return Object.keys(schema.shape);
  // A union of objects (e.g. an allowlist entry) accepts the fields of any of its options.
  if (schema instanceof z.ZodUnion) return [...new Set((schema.options as z.ZodType[]).flatMap((option) => keysOf(unwrap(option))))];
  return [];
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodDefault || current instanceof z.ZodNullable) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodPipe) {
      current = current.in as z.ZodType;
    } else {
      return current;
    }
  }
}

function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
