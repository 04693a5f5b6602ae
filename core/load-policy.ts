import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, InputValidationError, type InputIssue } from './errors.js';
import { parseYamlWithSchema } from './parse-yaml.js';
import { policySchema, type Policy } from './policy-schema.js';

/** A policy with the absolute paths of its confidential documents resolved. */
export interface LoadedPolicy {
  /** The policy file it came from, or `(built-in default)`. */
  source: string;
  policy: Policy;
  /** Absolute path of each confidential document, by document id. */
  documentPaths: ReadonlyMap<string, string>;
}

const DOCUMENT_EXTENSIONS = new Set(['.txt', '.md']);
const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;

/** Parses policy YAML text; throws InputValidationError naming `source`, the YAML path and the bad value. */
export function parsePolicy(text: string, source: string): Policy {
  return parseYamlWithSchema(text, source, policySchema);
}

/** The policy in force when none is configured: an unnamed organisation with every pack on. */
export function defaultPolicy(): LoadedPolicy {
  return {
    source: '(built-in default)',
    policy: policySchema.parse({ version: 1, organisation: { name: 'Unnamed organisation' } }),
    documentPaths: new Map(),
  };
}

/**
 * Reads, parses and checks a policy file, including that every confidential document it lists is
 * a readable .txt or .md file. Every problem is reported at once.
 */
export async function loadPolicyFile(filePath: string): Promise<LoadedPolicy> {
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `Cannot read the policy file ${filePath}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}. ` +
        'Check the path (OVERSHARE_POLICY_FILE or the command argument); examples/overshare.policy.yaml is a complete example.',
      { cause: error },
    );
  }
  const policy = parsePolicy(text, filePath);
  const folder = path.dirname(filePath);
  const documentPaths = new Map<string, string>();
  const problems = await Promise.all(
    policy.confidentialDocuments.map(async (document, index): Promise<InputIssue | undefined> => {
      const absolute = path.resolve(folder, document.path);
      documentPaths.set(document.id, absolute);
      const problem = await checkDocument(absolute);
      return problem
        ? { path: `confidentialDocuments[${index}].path`, message: `${problem} (got ${JSON.stringify(document.path)})` }
        : undefined;
    }),
  );
  const issues = problems.filter((issue): issue is InputIssue => issue !== undefined);
  if (issues.length > 0) throw new InputValidationError(filePath, issues);
  return { source: filePath, policy, documentPaths };
}

async function checkDocument(absolute: string): Promise<string | undefined> {
  if (!DOCUMENT_EXTENSIONS.has(path.extname(absolute).toLowerCase())) {
    return 'must be a .txt or .md file';
  }
  try {
    const info = await stat(absolute);
    if (!info.isFile()) return `is not a file: ${absolute}`;
    if (info.size === 0) return `is empty: ${absolute}`;
    if (info.size > MAX_DOCUMENT_BYTES) return `is larger than ${MAX_DOCUMENT_BYTES / 1024 / 1024} MiB: ${absolute}`;
    return undefined;
  } catch (error) {
    return `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}): ${absolute}`;
  }
}
