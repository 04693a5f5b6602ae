import { readFile } from 'node:fs/promises';
import { InputValidationError } from '../core/errors.js';
import type { GenericSelectors } from '../crawler/platform-adapter.js';
import { genericSelectors } from '../server/api/schemas/accounts-schemas.js';

/**
 * Reads `--selectors` for the generic platform: JSON given inline (it starts with `{`) or the path
 * of a JSON file, checked by the same schema as `POST /accounts`. Unknown keys and a missing `post`
 * selector are refused with InputValidationError.
 */
export async function readSelectors(value: string): Promise<GenericSelectors> {
  const source = value.trimStart().startsWith('{') ? '--selectors' : value;
  let text = value;
  if (source !== '--selectors') {
    text = await readFile(value, 'utf8').catch((error: unknown) => {
      throw new InputValidationError('--selectors', [{ path: value, message: `cannot read the file (${error instanceof Error ? error.message : 'unknown error'})` }]);
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputValidationError(source, [{ path: '(top level)', message: `is not JSON: ${error instanceof Error ? error.message : 'unknown error'}` }]);
  }
  const parsed = genericSelectors.safeParse(json);
  if (!parsed.success) {
    throw new InputValidationError(
      source,
      parsed.error.issues.map((issue) => ({ path: issue.path.join('.') || '(top level)', message: issue.message })),
    );
  }
  return parsed.data;
}
