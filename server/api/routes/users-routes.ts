import type { Kysely } from 'kysely';
import type { z } from 'zod';
import { InputValidationError, NotFoundError } from '../../../core/errors.js';
import { ApiKeysRepository } from '../../../store/repositories/api-keys-repository.js';
import { AuditLogRepository } from '../../../store/repositories/audit-log-repository.js';
import { UsersRepository, type UserChanges } from '../../../store/repositories/users-repository.js';
import type { ApiKey, Role, Schema, User } from '../../../store/schema.js';
import { generatePassword } from '../../auth/generate-password.js';
import { checkPasswordStrength, hashPassword } from '../../auth/password-hash.js';
import { auditActor, type Actor } from '../actor.js';
import { defineRoute, type AnyApiRoute } from '../api-route.js';
import { ConflictError, ForbiddenError } from '../http-errors.js';
import { ROLE_PERMISSIONS, isPermission } from '../permissions.js';
import {
  createUserBody,
  createUserReply,
  resetPasswordReply,
  toUserReply,
  updateUserBody,
  updateUserReply,
  userIdParams,
  userListReply,
  userReply,
} from '../schemas/users-schemas.js';
import { keyAuditDetails, keyPermissions, shownPrefix } from './keys-routes.js';

/**
 * Managing the people who sign in (users:admin): list, show, add (a generated password is returned
 * once), change role or disable, and set a new generated password. Every change is audited; the
 * last enabled admin cannot be taken away, nor can admins disable or demote themselves.
 */
export function usersRoutes(): AnyApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/users',
      operationId: 'listUsers',
      summary: 'Every user by username: role, whether disabled, and last sign-in; never a password',
      tag: 'users',
      permission: 'users:admin',
      response: userListReply,
      async handle({ services }) {
        return { items: (await new UsersRepository(services.db).list()).map(toUserReply) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/users/{id}',
      operationId: 'getUser',
      summary: 'One user: role, whether disabled, and last sign-in',
      tag: 'users',
      permission: 'users:admin',
      params: userIdParams,
      response: userReply,
      async handle({ params, services }) {
        return toUserReply(await new UsersRepository(services.db).getById(params.id));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/users',
      operationId: 'createUser',
      summary: 'Add a user; without a password, one is generated and returned in this reply only',
      tag: 'users',
      permission: 'users:admin',
      body: createUserBody,
      response: createUserReply,
      status: 201,
      // The reply may hold a generated password: never kept for replays (it is stored hashed only).
      storesReplies: false,
      errors: [409],
      async handle({ body, actor, services, ip }) {
        assertMayManage(actor, body.role, 'add');
        if (body.password !== undefined) checkGivenPassword(body.password);
        const password = body.password ?? generatePassword();
        const passwordHash = await hashPassword(password);
        // The user and its audit entry go in together: there is never a user nobody knows was added.
        const user = await services.db.transaction().execute(async (trx) => {
          const users = new UsersRepository(trx);
          const taken = await users.findByUsername(body.username);
          if (taken) throw new ConflictError(`The username ${JSON.stringify(taken.username)} is taken (names are unique regardless of case); choose another.`);
          const created = await users.create({
            username: body.username,
            role: body.role,
            passwordHash,
            ...(body.display_name === undefined ? {} : { displayName: body.display_name }),
            ...(body.email === undefined ? {} : { email: body.email }),
          });
          await new AuditLogRepository(trx).append({
            ...auditActor(actor),
            action: 'user.created',
            targetType: 'user',
            targetId: created.id,
            details: { username: created.username, role: created.role, is_password_generated: body.password === undefined },
            ip,
          });
          return created;
        });
        return { ...toUserReply(user), generated_password: body.password === undefined ? password : null };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/users/{id}',
      operationId: 'updateUser',
      summary: "Change a user's role, name or e-mail, or disable or re-enable them; the last enabled admin stays",
      tag: 'users',
      permission: 'users:admin',
      params: userIdParams,
      body: updateUserBody,
      response: updateUserReply,
      errors: [409],
      async handle({ params, body, actor, services, ip }) {
        const now = services.now();
        return services.db.transaction().execute(async (trx) => {
          const users = new UsersRepository(trx);
          // The admins first, in id order, then the user: every caller locks in the same order.
          const enabledAdmins = await users.lockEnabledAdmins();
          const user = await users.findForUpdate(params.id);
          if (!user) throw new NotFoundError('user', params.id);
          assertMayManage(actor, user.role, 'change');
          if (body.role !== undefined) assertMayManage(actor, body.role, 'give that role to');
          const changes = changesOf(user, body);
          if (Object.keys(changes).length === 0) return { ...toUserReply(user), revoked_api_keys: [] };
          const isAdminTaken = user.role === 'admin' && user.is_active && ((changes.role ?? 'admin') !== 'admin' || changes.isActive === false);
          if (isAdminTaken) assertAdminMayGo(actor, user, enabledAdmins);
          const updated = await users.update(user.id, changes, now);
          const audit = new AuditLogRepository(trx);
          const about = { ...auditActor(actor), targetType: 'user', targetId: user.id, ip } as const;
          if (changes.role !== undefined) await audit.append({ ...about, action: 'user.role_changed', details: { username: user.username, from: user.role, to: changes.role } });
          if (changes.isActive !== undefined) await audit.append({ ...about, action: changes.isActive ? 'user.enabled' : 'user.disabled', details: { username: user.username } });
          const renamed = [...(changes.displayName === undefined ? [] : ['display_name']), ...(changes.email === undefined ? [] : ['email'])];
          // Which fields, not their values: the audit log outlives a person's e-mail address.
          if (renamed.length > 0) await audit.append({ ...about, action: 'user.updated', details: { username: user.username, fields: renamed } });
          const revoked = changes.role === undefined ? [] : await revokeKeysBeyond(trx, updated, actor, now, ip);
          return { ...toUserReply(updated), revoked_api_keys: revoked.map((key) => ({ id: key.id, prefix: shownPrefix(key) })) };
        });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/users/{id}/password',
      operationId: 'resetUserPassword',
      summary: "Give a user a new generated password, returned in this reply only; the user's sessions end",
      tag: 'users',
      permission: 'users:admin',
      params: userIdParams,
      response: resetPasswordReply,
      // The reply holds the password: never kept for replays.
      storesReplies: false,
      async handle({ params, actor, services, ip }) {
        const password = generatePassword();
        const passwordHash = await hashPassword(password);
        return services.db.transaction().execute(async (trx) => {
          const users = new UsersRepository(trx);
          const user = await users.findForUpdate(params.id);
          if (!user) throw new NotFoundError('user', params.id);
          // Whoever sets a password can sign in with it: only for users who may do no more than the caller.
          assertMayManage(actor, user.role, 'set the password of');
          const endedSessions = await users.replacePasswordHash(user.id, passwordHash, services.now());
          await new AuditLogRepository(trx).append({
            ...auditActor(actor),
            action: 'user.password_changed',
            targetType: 'user',
            targetId: user.id,
            details: { username: user.username, is_password_generated: true, ended_sessions: endedSessions },
            ip,
          });
          return { id: user.id, username: user.username, password, ended_sessions: endedSessions };
        });
      },
    }),
  ];
}

/** The strength check, its problem located in the request body. */
function checkGivenPassword(password: string): void {
  try {
    checkPasswordStrength(password);
  } catch (error) {
    if (!(error instanceof InputValidationError)) throw error;
    throw new InputValidationError('the request body', error.issues.map((issue) => ({ ...issue, path: `body.${issue.path}` })), { cause: error });
  }
}

/** Only what differs from the user as stored: a PATCH that changes nothing is not audited. */
function changesOf(user: User, body: z.output<typeof updateUserBody>): UserChanges {
  return {
    ...(body.role !== undefined && body.role !== user.role ? { role: body.role } : {}),
    ...(body.disabled !== undefined && body.disabled === user.is_active ? { isActive: !body.disabled } : {}),
    ...(body.display_name !== undefined && body.display_name !== user.display_name ? { displayName: body.display_name } : {}),
    ...(body.email !== undefined && body.email !== user.email ? { email: body.email } : {}),
  };
}

/**
 * A caller (a key narrowed to users:admin, say) may only manage users who may do no more than it:
 * otherwise it could make itself an admin, or sign in as one.
 */
function assertMayManage(actor: Actor, role: Role, verb: string): void {
  const beyond = [...ROLE_PERMISSIONS[role]].filter((permission) => !actor.permissions.has(permission));
  if (beyond.length > 0) {
    throw new ForbiddenError(`The caller cannot ${verb} a user with the ${role} role, who may ${beyond.join(', ')}, which the caller may not; ask an admin.`);
  }
}

/** Disabling or demoting an enabled admin: never oneself (the caller, or an API key's owner), never the last one. */
function assertAdminMayGo(actor: Actor, user: User, enabledAdmins: readonly string[]): void {
  if (actor.userId === user.id) {
    throw new ConflictError('Admins cannot disable or demote themselves; ask another admin to do it, so that an admin is always left who can undo it.');
  }
  if (!enabledAdmins.some((id) => id !== user.id)) {
    throw new ConflictError(
      `${user.username} is the last enabled admin and must stay one: make another user an admin (or enable one) first, then change ${user.username}.`,
    );
  }
}

/** Revokes the user's live API keys that are allowed more than the user's new role grants, each audited. */
async function revokeKeysBeyond(trx: Kysely<Schema>, user: User, actor: Actor, now: Date, ip: string | undefined): Promise<ApiKey[]> {
  const granted = ROLE_PERMISSIONS[user.role];
  const owned = await trx.selectFrom('api_keys').selectAll().where('created_by', '=', user.id).where('revoked_at', 'is', null).orderBy('created_at').execute();
  const beyond = owned.filter((key) => keyPermissions(key.role, key.scopes.filter(isPermission)).some((permission) => !granted.has(permission)));
  const keys = new ApiKeysRepository(trx);
  const audit = new AuditLogRepository(trx);
  const revoked: ApiKey[] = [];
  for (const key of beyond) {
    const done = await keys.revoke(key.id, now);
    await audit.append({
      ...auditActor(actor),
      action: 'api_key.revoked',
      targetType: 'api_key',
      targetId: key.id,
      details: { ...keyAuditDetails(done), reason: `its owner ${user.username} became ${user.role}` },
      ip,
    });
    revoked.push(done);
  }
  return revoked;
}
