const BASE64URL = /^[A-Za-z0-9_-]+$/u;

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function isCanonicalBase64url(segment: string): boolean {
  // Buffer ignores stray characters and padding bits; a round trip proves the segment is exact.
  return BASE64URL.test(segment) && Buffer.from(segment, 'base64url').toString('base64url') === segment;
}

function decodeJsonObject(segment: string): Record<string, unknown> | undefined {
  if (!isCanonicalBase64url(segment)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(UTF8.decode(Buffer.from(segment, 'base64url')));
  } catch {
    // Not UTF-8 (TextDecoder's TypeError) or not JSON (SyntaxError): not a JWT part either way.
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return value as Record<string, unknown>;
}

/**
 * True when the candidate is a compact JWS of three unpadded base64url segments whose header is a
 * JSON object with a non-empty string `alg`, whose payload is a JSON object, and whose signature is
 * non-empty base64url, or empty exactly when `alg` is `none`.
 */
export function isJwtValid(candidate: string): boolean {
  const segments = candidate.split('.');
  if (segments.length !== 3) return false;
  const [header = '', payload = '', signature = ''] = segments;
  const { alg } = decodeJsonObject(header) ?? {};
  if (typeof alg !== 'string' || alg === '' || decodeJsonObject(payload) === undefined) return false;
  // An unsecured JWT (RFC 7519 §6.1) carries an empty signature; any other alg must be signed.
  return alg === 'none' ? signature === '' : isCanonicalBase64url(signature);
}
