import type { Request } from 'express';
import type { Kysely } from 'kysely';
import type { Logger } from '../../core/logger.js';
import { ApiKeysRepository } from '../../store/repositories/api-keys-repository.js';
import { AuditLogRepository } from '../../store/repositories/audit-log-repository.js';
import { SessionsRepository } from '../../store/repositories/sessions-repository.js';
import type { Schema } from '../../store/schema.js';
import type { Actor } from '../api/actor.js';
import { UnauthenticatedError } from '../api/http-errors.js';
import { ROLE_PERMISSIONS, isPermission, type Permission } from '../api/permissions.js';
import { apiKeyPrefixOf, isApiKeyMatch } from './api-key-token.js';
import { hashSessionToken, sessionTokenOf } from './session-cookie.js';

export interface AuthenticatorOptions {
  db: Kysely<Schema>;
  log: Logger;
  now(): Date;
  sessionIdleTimeoutMs: number;
}

/**
 * Finds who a request is from: `Authorization: Bearer osk_…` (an API key) or the session cookie.
 * No credentials → undefined; credentials that do not hold (unknown, revoked, expired, idle, user
 * disabled) → UnauthenticatedError saying which. Every API key use is written to the audit log.
 */
export function createAuthenticator(options: AuthenticatorOptions): (request: Request) => Promise<Actor | undefined> {
  const keys = new ApiKeysRepository(options.db);
  const sessions = new SessionsRepository(options.db);
  const audit = new AuditLogRepository(options.db);

  async function fromApiKey(token: string, request: Request): Promise<Actor> {
    const prefix = apiKeyPrefixOf(token);
    const key = prefix === undefined ? undefined : await keys.findByPrefix(prefix);
    if (!key || !isApiKeyMatch(token, key.key_hash)) {
      throw new UnauthenticatedError('The API key is not valid: check it was copied whole (osk_…), or create a new one with `overshare keys create`.');
    }
    const now = options.now();
    if (key.revoked_at !== null) throw new UnauthenticatedError(`The API key ${key.prefix} was revoked; create a new one with \`overshare keys create\`.`);
    if (key.expires_at !== null && key.expires_at <= now) {
      throw new UnauthenticatedError(`The API key ${key.prefix} expired at ${key.expires_at.toISOString()}; create a new one with \`overshare keys create\`.`);
    }
    if (key.creator_is_active === false) throw new UnauthenticatedError(`The API key ${key.prefix} belongs to a disabled user; ask an admin for a new key.`);
    await keys.touch(key.id, now);
    await audit.append({
      actorType: 'api_key',
      actorId: key.id,
      action: 'api_key.used',
      targetType: 'route',
      targetId: `${request.method} ${request.baseUrl}${request.route ? String((request.route as { path: unknown }).path) : request.path}`,
      ip: request.socket.remoteAddress,
    });
    const granted = ROLE_PERMISSIONS[key.role];
    const scoped: Permission[] = key.scopes.length === 0 ? [...granted] : key.scopes.filter(isPermission).filter((scope) => granted.has(scope));
    return {
      type: 'api_key',
      id: key.id,
      name: `${key.name} (${key.prefix})`,
      role: key.role,
      permissions: new Set(scoped),
      ...(key.created_by === null ? {} : { userId: key.created_by }),
    };
  }

  async function fromSession(token: string): Promise<Actor> {
    const tokenHash = hashSessionToken(token);
    const session = await sessions.find(tokenHash);
    const now = options.now();
    const isIdle = session !== undefined && now.getTime() - session.last_seen_at.getTime() > options.sessionIdleTimeoutMs;
    if (!session || session.expires_at <= now || isIdle || !session.is_active) {
      if (session) await sessions.delete(tokenHash);
      throw new UnauthenticatedError('Your session has ended; sign in again.');
    }
    await sessions.touch(tokenHash, now);
    return {
      type: 'user',
      id: session.user_id,
      userId: session.user_id,
      name: session.username,
      role: session.role,
      permissions: ROLE_PERMISSIONS[session.role],
      csrfToken: session.csrf_token,
    };
  }

  return async (request) => {
    const authorization = request.get('authorization');
    if (authorization !== undefined) {
      const match = /^Bearer\s+(\S+)\s*$/iu.exec(authorization);
      if (!match?.[1]) throw new UnauthenticatedError('The Authorization header must be `Bearer osk_…` with an API key.');
      return fromApiKey(match[1], request);
    }
    const token = sessionTokenOf(request);
    return token === undefined ? undefined : fromSession(token);
  };
}
