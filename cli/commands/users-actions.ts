import { InputValidationError, NotFoundError } from '../../core/errors.js';
import { checkPasswordStrength, hashPassword } from '../../server/auth/password-hash.js';
import type { Database } from '../../store/open-database.js';
import { UsersRepository } from '../../store/repositories/users-repository.js';
import type { Role, User } from '../../store/schema.js';
import { createCommandContext } from '../command-context.js';
import { formatTable, formatTime } from '../format-table.js';
import { openMigratedDatabase } from '../open-migrated-database.js';
import { plural } from '../plural.js';
import { readPassword, type PasswordSource } from '../read-password.js';
import { recordCliAudit } from '../record-cli-audit.js';
import { terminalSafe } from '../terminal-safe.js';

/** The options of `users add`, as commander parses them. */
export interface AddUserOptions {
  role: Role;
  email?: string;
  name?: string;
  passwordStdin?: boolean;
}

/** `users add NAME`: refuses a taken name before asking for the password, stores only its hash and prints a generated one once. */
export async function addUser(username: string, options: AddUserOptions): Promise<void> {
  if (options.email !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/u.test(options.email)) {
    throw new InputValidationError('users add', [{ path: '--email', message: `"${options.email}" is not an e-mail address, such as jane.doe@example.com` }]);
  }
  await withDatabase(async (database) => {
    const repository = new UsersRepository(database.db);
    const existing = await repository.findByUsername(username);
    // Checked before the password is asked for; create() still refuses a name taken meanwhile.
    if (existing) {
      throw new InputValidationError('users add', [{ path: 'username', message: `${terminalSafe(existing.username)} is taken (names are unique regardless of case); choose another` }]);
    }
    const { password, source } = await newPassword(options.passwordStdin === true, username);
    const user = await repository.create({
      username,
      role: options.role,
      passwordHash: await hashPassword(password),
      ...(options.name === undefined ? {} : { displayName: options.name }),
      ...(options.email === undefined ? {} : { email: options.email }),
    });
    await recordCliAudit(database, { action: 'user.created', targetType: 'user', targetId: user.id, details: { username: user.username, role: user.role } });
    console.log(`Added ${shown(user)} (${user.role}) as ${user.id}.`);
    if (source === 'generated') printGenerated(user, password);
  });
}

/** `users passwd NAME`: sets the user's password (looked up first, so nobody types one for a typo); their sessions end. */
export async function setUserPassword(username: string, options: { passwordStdin?: boolean }): Promise<void> {
  // The user is looked up before the password is asked for: nobody types a passphrase for a typo.
  await withDatabase(async (database) => {
    const repository = new UsersRepository(database.db);
    const user = await findUser(repository, username);
    const { password, source } = await newPassword(options.passwordStdin === true, user.username);
    await repository.setPasswordHash(user.id, await hashPassword(password));
    await recordCliAudit(database, { action: 'user.password_changed', targetType: 'user', targetId: user.id, details: { username: user.username } });
    console.log(`Set a new password for ${shown(user)}; their sessions have ended.`);
    if (source === 'generated') printGenerated(user, password);
  });
}

/** `users list`: the users with role, state and last sign-in as a table or JSON Lines, never their password hashes. */
export async function listUsers(options: { json?: boolean }): Promise<void> {
  await withDatabase(async (database) => {
    const list = await new UsersRepository(database.db).list();
    if (options.json === true) {
      for (const user of list) console.log(JSON.stringify(userJson(user)));
      return;
    }
    if (list.length === 0) {
      console.log('No users yet. Add the first admin with `overshare users add NAME --role admin`.');
      return;
    }
    const rows = list.map((user) => [user.username, user.role, user.is_active ? 'yes' : 'no', formatTime(user.last_login_at), user.display_name ?? '-', user.email ?? '-']);
    console.log(formatTable(['USERNAME', 'ROLE', 'ACTIVE', 'LAST LOGIN', 'NAME', 'E-MAIL'], rows));
    console.log(`\n${plural(list.length, 'user')}.`);
  });
}

/** `users disable|enable NAME`: ends or restores the user's sign-in and API keys, saying so when nothing changes. */
export async function setUserActive(username: string, isActive: boolean): Promise<void> {
  await withDatabase(async (database) => {
    const repository = new UsersRepository(database.db);
    const user = await findUser(repository, username);
    if (user.is_active === isActive) {
      console.log(`${shown(user)} is already ${isActive ? 'enabled' : 'disabled'}; nothing changed.`);
      return;
    }
    await repository.setActive(user.id, isActive);
    await recordCliAudit(database, { action: isActive ? 'user.enabled' : 'user.disabled', targetType: 'user', targetId: user.id, details: { username: user.username } });
    console.log(
      isActive
        ? `Enabled ${shown(user)}: they can sign in again, and their API keys work again.`
        : `Disabled ${shown(user)}: their sessions have ended and their API keys stop working. \`overshare users enable ${shown(user)}\` undoes it.`,
    );
  });
}

/** The password for a user, checked for strength before anything is stored. */
async function newPassword(isFromStdin: boolean, username: string): Promise<{ password: string; source: PasswordSource }> {
  const result = await readPassword({ isFromStdin, label: `Password for ${terminalSafe(username)}` });
  checkPasswordStrength(result.password);
  return result;
}

function printGenerated(user: User, password: string): void {
  console.log(`Generated password (shown only now; pass it on safely and change it with \`overshare users passwd ${shown(user)}\`):`);
  console.log(password);
}

async function findUser(repository: UsersRepository, username: string): Promise<User> {
  const user = await repository.findByUsername(username);
  if (user) return user;
  const error = new NotFoundError('user', username);
  error.message = `No user is called ${JSON.stringify(username)}; \`overshare users list\` shows the users.`;
  throw error;
}

async function withDatabase(work: (database: Database) => Promise<void>): Promise<void> {
  const database = await openMigratedDatabase(createCommandContext('warn'));
  try {
    await work(database);
  } finally {
    await database.close();
  }
}

function shown(user: User): string {
  return terminalSafe(user.username);
}

function userJson(user: User): Record<string, unknown> {
  return {
    id: user.id,
    username: user.username,
    role: user.role,
    isActive: user.is_active,
    displayName: user.display_name,
    email: user.email,
    lastLoginAt: user.last_login_at?.toISOString() ?? null,
    createdAt: user.created_at.toISOString(),
    updatedAt: user.updated_at.toISOString(),
  };
}
