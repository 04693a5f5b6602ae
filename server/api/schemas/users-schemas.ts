import { z } from 'zod';
import { MIN_PASSWORD_LENGTH } from '../../auth/password-hash.js';
import { USERNAME_PATTERN } from '../../../store/repositories/users-repository.js';
import type { Role, User } from '../../../store/schema.js';

/** Every role a user can have. */
export const USER_ROLES = ['admin', 'reviewer', 'auditor', 'siem'] as const satisfies readonly Role[];

/** `{id}` of every `/users/{id}…` route. */
export const userIdParams = z.strictObject({ id: z.uuid() });

/** A user as admins see them: never the password or its hash. */
export const userReply = z.object({
  id: z.string(),
  username: z.string(),
  display_name: z.string().nullable().describe('The name to show for the user, when one was given.'),
  email: z.string().nullable(),
  role: z.enum(USER_ROLES),
  disabled: z.boolean().describe('A disabled user cannot sign in, and their API keys do not work.'),
  created_at: z.string(),
  updated_at: z.string(),
  last_login_at: z.string().nullable().describe('The last successful sign-in; null for never.'),
});
export type UserReply = z.infer<typeof userReply>;

/** `GET /users`. */
export const userListReply = z.object({ items: z.array(userReply) });

const displayName = z.string().trim().min(1, 'leave display_name out, or give a name').max(200);
const email = z.email('give an e-mail address, such as jane.doe@example.com').max(320);

/** `POST /users`. */
export const createUserBody = z.strictObject({
  username: z
    .string()
    .regex(USERNAME_PATTERN, '2 to 64 letters, digits, dots, dashes, underscores or @')
    .describe('Unique regardless of case.'),
  role: z.enum(USER_ROLES),
  password: z
    .string()
    .max(1_000)
    .optional()
    .describe(`At least ${MIN_PASSWORD_LENGTH} characters. Left out: a random one is generated and returned once, in the reply.`),
  display_name: displayName.optional(),
  email: email.optional(),
});

/** `POST /users` reply: the user, and the password when it was generated (shown only here). */
export const createUserReply = userReply.extend({
  generated_password: z
    .string()
    .nullable()
    .describe('The generated password, when none was given: pass it on safely; it cannot be shown again. null when the request gave one.'),
});

/** `PATCH /users/{id}`: what to change; at least one field. */
export const updateUserBody = z
  .strictObject({
    role: z.enum(USER_ROLES).optional(),
    disabled: z
      .boolean()
      .optional()
      .describe("true ends the user's sessions and stops their API keys; false lets them sign in again and their keys work again."),
    display_name: displayName.nullable().optional().describe('null removes it.'),
    email: email.nullable().optional().describe('null removes it.'),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'give at least one of role, disabled, display_name, email' });

/** `PATCH /users/{id}` reply: the user as now, and the API keys revoked because the new role no longer covers them. */
export const updateUserReply = userReply.extend({
  revoked_api_keys: z
    .array(z.object({ id: z.string(), prefix: z.string() }))
    .describe("The user's API keys that were allowed more than the new role grants: revoked with the change."),
});

/** `POST /users/{id}/password` reply: the new password, shown only here. */
export const resetPasswordReply = z.object({
  id: z.string(),
  username: z.string(),
  password: z.string().describe('The new password: pass it on safely; it cannot be shown again.'),
  ended_sessions: z.number().int().describe("The user's sessions that ended with the change."),
});

/** The API form of a stored user. */
export function toUserReply(user: User): UserReply {
  return {
    id: user.id,
    username: user.username,
    display_name: user.display_name,
    email: user.email,
    role: user.role,
    disabled: !user.is_active,
    created_at: user.created_at.toISOString(),
    updated_at: user.updated_at.toISOString(),
    last_login_at: user.last_login_at?.toISOString() ?? null,
  };
}
