import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { AuditLogRepository } from '../../../store/repositories/audit-log-repository.js';
import { SessionsRepository } from '../../../store/repositories/sessions-repository.js';
import { UsersRepository } from '../../../store/repositories/users-repository.js';
import { beginLoginAttempt, clearLoginFailures } from '../../auth/login-throttle.js';
import { dummyPasswordHash, verifyPassword } from '../../auth/password-hash.js';
import { clearSessionCookie, hashSessionToken, newSessionToken, sessionTokenOf, setSessionCookie } from '../../auth/session-cookie.js';
import { defineRoute, type AnyApiRoute } from '../api-route.js';
import { UnauthenticatedError } from '../http-errors.js';
import { ROLE_PERMISSIONS } from '../permissions.js';

const sessionReply = z.object({
  user: z.object({ id: z.string(), username: z.string(), role: z.enum(['admin', 'reviewer', 'auditor', 'siem']) }).nullable(),
  actor_type: z.enum(['user', 'api_key']),
  permissions: z.array(z.string()),
  csrf_token: z.string().nullable().describe('Send it as X-CSRF-Token on every POST, PATCH, PUT and DELETE made with the session cookie.'),
});

/** Whether the session has a maximum age configured; stored on the services by serve. */
export interface SessionSettings {
  sessionMaxAgeMs: number;
}

/** Sign-in with username and password (rate limited), sign-out, and who the caller is. */
export function authRoutes(settings: SessionSettings): AnyApiRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/auth/login',
      operationId: 'login',
      summary: 'Sign in; sets the HttpOnly session cookie and returns the CSRF token',
      tag: 'auth',
      permission: 'public',
      body: z.object({ username: z.string().min(1).max(200), password: z.string().min(1).max(1_000) }),
      response: sessionReply,
      errors: [429],
      async handle({ body, services, ip, request, response }) {
        const now = services.now();
        // The attempt counts as a failure from here on, until the password proves right.
        const attempt = await beginLoginAttempt(services.db, body.username, ip, now);
        const user = await new UsersRepository(services.db).findByUsername(body.username);
        const isMatch = await verifyPassword(body.password, user?.password_hash ?? (await dummyPasswordHash()));
        const audit = new AuditLogRepository(services.db);
        if (!user || !isMatch || !user.is_active) {
          await audit.append({ actorType: 'system', action: 'auth.login_failed', targetType: 'user', targetId: user?.id, details: { username: body.username }, ip });
          throw new UnauthenticatedError('The username or password is wrong, or the user is disabled.');
        }
        await clearLoginFailures(services.db, attempt, body.username);
        const { token, tokenHash } = newSessionToken();
        const csrfToken = randomBytes(24).toString('base64url');
        await new SessionsRepository(services.db).create({
          tokenHash,
          userId: user.id,
          csrfToken,
          expiresAt: new Date(now.getTime() + settings.sessionMaxAgeMs),
          ip: ip ?? null,
          userAgent: request.get('user-agent') ?? null,
        });
        await new UsersRepository(services.db).recordLogin(user.id, now);
        await audit.append({ actorType: 'user', actorId: user.id, action: 'auth.login', targetType: 'user', targetId: user.id, ip });
        setSessionCookie(response, token, settings.sessionMaxAgeMs, services.isSecure);
        return {
          user: { id: user.id, username: user.username, role: user.role },
          actor_type: 'user' as const,
          permissions: [...ROLE_PERMISSIONS[user.role]].sort(),
          csrf_token: csrfToken,
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/logout',
      operationId: 'logout',
      summary: 'Sign out: ends the session',
      tag: 'auth',
      permission: 'session:self',
      response: null,
      status: 204,
      async handle({ services, request, response, actor, ip }) {
        const token = sessionTokenOf(request);
        if (token !== undefined) await new SessionsRepository(services.db).delete(hashSessionToken(token));
        await new AuditLogRepository(services.db).append({ actorType: actor.type, actorId: actor.id, action: 'auth.logout', ip });
        clearSessionCookie(response, services.isSecure);
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/auth/session',
      operationId: 'getSession',
      summary: 'Who the caller is, what it may do, and the CSRF token of a cookie session',
      tag: 'auth',
      permission: 'session:self',
      response: sessionReply,
      handle({ actor }) {
        return Promise.resolve({
          user: actor.type === 'user' ? { id: actor.id, username: actor.name, role: actor.role } : null,
          actor_type: actor.type,
          permissions: [...actor.permissions].sort(),
          csrf_token: actor.csrfToken ?? null,
        });
      },
    }),
  ];
}
