import { createHash, randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';

/** The session cookie's name. */
export const SESSION_COOKIE = 'overshare_session';

/** A new session token (for the cookie) and its SHA-256 (for the table). */
export function newSessionToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenHash: hashSessionToken(token) };
}

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The session token from the request's Cookie header, if any. */
export function sessionTokenOf(request: Request): string | undefined {
  const header = request.get('cookie');
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return value.join('=') || undefined;
  }
  return undefined;
}

/**
 * Sets the session cookie: HttpOnly (scripts cannot read it), SameSite=Strict (other sites cannot
 * send it), Secure when the server is reached over TLS, scoped to the whole site.
 */
export function setSessionCookie(response: Response, token: string, maxAgeMs: number, isSecure: boolean): void {
  response.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: isSecure, path: '/', maxAge: maxAgeMs });
}

export function clearSessionCookie(response: Response, isSecure: boolean): void {
  response.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: isSecure, path: '/' });
}
