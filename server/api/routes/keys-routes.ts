import type { Kysely } from 'kysely';
import { z } from 'zod';
import { InputValidationError, NotFoundError } from '../../../core/errors.js';
import { ApiKeysRepository } from '../../../store/repositories/api-keys-repository.js';
import { AuditLogRepository } from '../../../store/repositories/audit-log-repository.js';
import type { ApiKey, Role, Schema } from '../../../store/schema.js';
import { API_KEY_PREFIX, generateApiKey } from '../../auth/api-key-token.js';
import { auditActor } from '../actor.js';
import { defineRoute, type AnyApiRoute } from '../api-route.js';
import { ConflictError, ForbiddenError } from '../http-errors.js';
import { PERMISSIONS, ROLE_PERMISSIONS, isPermission, type Permission } from '../permissions.js';

const ROLES = ['admin', 'reviewer', 'auditor', 'siem'] as const;

/** How long a key lives when its creator does not say: 365 days. */
export const DEFAULT_KEY_LIFETIME_MS = 365 * 24 * 3_600_000;

/** What a new key is to be; its scopes are checked by `checkKeyScopes` first. */
export interface NewApiKey {
  name: string;
  role: Role;
  /** Empty: every permission of the role. */
  scopes: readonly Permission[];
  /** The user who owns it (disabling the user stops the key); null for a key owned by nobody. */
  createdBy: string | null;
  /** Null: never expires. */
  expiresAt: Date | null;
}

/** A stored key and its token, which exists only here: it is shown once and never stored. */
export interface IssuedApiKey {
  key: ApiKey;
  token: string;
}

/** A key's prefix as people see it and as the token starts: `osk_abcdefghij`. */
export function shownPrefix(key: Pick<ApiKey, 'prefix'>): string {
  return `${API_KEY_PREFIX}${key.prefix}`;
}

/**
 * Checks key scopes against the permissions and the role's grants; returns them without duplicates.
 * An unknown scope or one the role lacks → InputValidationError (from `source`, at `path`) listing what the role allows.
 */
export function checkKeyScopes(role: Role, scopes: readonly string[], source: string, path: string): Permission[] {
  const granted = ROLE_PERMISSIONS[role];
  const allowed = PERMISSIONS.filter((permission) => granted.has(permission)).join(', ');
  const problems = scopes.flatMap((scope) => {
    if (!isPermission(scope)) return [{ path, message: `"${scope}" is not a permission; the ${role} role allows: ${allowed}` }];
    if (!granted.has(scope)) return [{ path, message: `the ${role} role does not grant ${scope}; it allows: ${allowed}` }];
    return [];
  });
  if (problems.length > 0) throw new InputValidationError(source, problems);
  return [...new Set(scopes.filter(isPermission))];
}

/** What a key may do: its scopes, or every permission of its role when it has none. */
export function keyPermissions(role: Role, scopes: readonly Permission[]): Permission[] {
  return scopes.length === 0 ? PERMISSIONS.filter((permission) => ROLE_PERMISSIONS[role].has(permission)) : [...scopes];
}

/** Makes a token and stores the key (its hash and prefix only). The caller audits it. */
export async function issueApiKey(db: Kysely<Schema>, input: NewApiKey): Promise<IssuedApiKey> {
  const generated = generateApiKey();
  const key = await new ApiKeysRepository(db).create({ ...input, prefix: generated.prefix, keyHash: generated.hash });
  return { key, token: generated.token };
}

/** What the audit log keeps of a key: never its token or hash. */
export function keyAuditDetails(key: ApiKey): Record<string, unknown> {
  return { name: key.name, prefix: shownPrefix(key), role: key.role, scopes: key.scopes, expires_at: key.expires_at?.toISOString() ?? null };
}

const keyReply = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string().describe('How the token starts (osk_ and 10 characters): enough to recognise a key, not to use it.'),
  role: z.enum(ROLES),
  scopes: z.array(z.string()).describe('The permissions the key is narrowed to; empty means every permission of its role.'),
  owner_id: z.string().nullable().describe('The user the key belongs to; disabling that user stops the key.'),
  created_at: z.string(),
  expires_at: z.string().nullable(),
  last_used_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
});

function toKeyReply(key: ApiKey): z.infer<typeof keyReply> {
  return {
    id: key.id,
    name: key.name,
    prefix: shownPrefix(key),
    role: key.role,
    scopes: key.scopes,
    owner_id: key.created_by,
    created_at: key.created_at.toISOString(),
    expires_at: key.expires_at?.toISOString() ?? null,
    last_used_at: key.last_used_at?.toISOString() ?? null,
    revoked_at: key.revoked_at?.toISOString() ?? null,
  };
}

const createKeyBody = z.strictObject({
  name: z.string().trim().min(1, 'name the key after what uses it, e.g. "splunk-forwarder"').max(200),
  role: z.enum(ROLES),
  scopes: z.array(z.string().max(100)).max(PERMISSIONS.length).optional().describe('Narrow the key to these permissions of its role; all of them when left out.'),
  expires_at: z.iso
    .datetime({ offset: true })
    .nullable()
    .optional()
    .describe('When the key stops working; null for never; 365 days from now when left out.'),
});

/** Managing API keys (keys:admin): list, create (the token is returned once), revoke. Creating and revoking are audited. */
export const keysRoutes: AnyApiRoute[] = [
  defineRoute({
    method: 'get',
    path: '/keys',
    operationId: 'listApiKeys',
    summary: 'Every API key, newest first: prefix, role, scopes and dates, never the token or its hash',
    tag: 'keys',
    permission: 'keys:admin',
    response: z.object({ items: z.array(keyReply) }),
    async handle({ services }) {
      return { items: (await new ApiKeysRepository(services.db).list()).map(toKeyReply) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/keys',
    operationId: 'createApiKey',
    summary: 'Create an API key owned by the caller; the reply holds the token, which cannot be shown again',
    tag: 'keys',
    permission: 'keys:admin',
    body: createKeyBody,
    response: keyReply.extend({ token: z.string().describe('The key itself (osk_…): send it as `Authorization: Bearer <token>`. Shown only in this reply.') }),
    // The reply holds the token: never kept for replays (the key is stored hashed only).
    storesReplies: false,
    status: 201,
    async handle({ body, actor, services, ip }) {
      const scopes = checkKeyScopes(body.role, body.scopes ?? [], 'the request body', 'body.scopes');
      // A key cannot hand out more than its maker holds: a key narrowed to keys:admin must not mint a full admin key.
      const beyond = keyPermissions(body.role, scopes).filter((permission) => !actor.permissions.has(permission));
      if (beyond.length > 0) {
        throw new ForbiddenError(`The new key would be allowed ${beyond.join(', ')}, which the caller is not; give it fewer scopes or create it as a user who has them.`);
      }
      const now = services.now();
      const expiresAt = body.expires_at === undefined ? new Date(now.getTime() + DEFAULT_KEY_LIFETIME_MS) : body.expires_at === null ? null : new Date(body.expires_at);
      if (expiresAt !== null && expiresAt <= now) {
        throw new InputValidationError('the request body', [{ path: 'body.expires_at', message: `must be in the future (now is ${now.toISOString()}), or null for a key that never expires` }]);
      }
      // The key and its audit entry go in together: there is never a key nobody knows was made.
      const issued = await services.db.transaction().execute(async (trx) => {
        const created = await issueApiKey(trx, { name: body.name, role: body.role, scopes, createdBy: actor.userId ?? null, expiresAt });
        await new AuditLogRepository(trx).append({
          ...auditActor(actor),
          action: 'api_key.created',
          targetType: 'api_key',
          targetId: created.key.id,
          details: keyAuditDetails(created.key),
          ip,
        });
        return created;
      });
      return { ...toKeyReply(issued.key), token: issued.token };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/keys/{id}',
    operationId: 'revokeApiKey',
    summary: 'Revoke an API key for good: it stops working at once',
    tag: 'keys',
    permission: 'keys:admin',
    params: z.strictObject({ id: z.uuid() }),
    response: null,
    status: 204,
    errors: [409],
    async handle({ params, actor, services, ip }) {
      await services.db.transaction().execute(async (trx) => {
        const key = await trx.selectFrom('api_keys').selectAll().where('id', '=', params.id).forUpdate().executeTakeFirst();
        if (!key) throw new NotFoundError('API key', params.id);
        if (key.revoked_at !== null) throw new ConflictError(`The API key ${shownPrefix(key)} was already revoked at ${key.revoked_at.toISOString()}.`);
        const revoked = await new ApiKeysRepository(trx).revoke(key.id, services.now());
        await new AuditLogRepository(trx).append({
          ...auditActor(actor),
          action: 'api_key.revoked',
          targetType: 'api_key',
          targetId: key.id,
          details: keyAuditDetails(revoked),
          ip,
        });
      });
      return undefined;
    },
  }),
];
