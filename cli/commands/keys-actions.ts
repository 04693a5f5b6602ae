import { InputValidationError, NotFoundError } from '../../core/errors.js';
import { ROLE_PERMISSIONS, type Permission } from '../../server/api/permissions.js';
import { DEFAULT_KEY_LIFETIME_MS, checkKeyScopes, issueApiKey, keyAuditDetails, keyPermissions, shownPrefix } from '../../server/api/routes/keys-routes.js';
import type { Database } from '../../store/open-database.js';
import { ApiKeysRepository } from '../../store/repositories/api-keys-repository.js';
import { UsersRepository } from '../../store/repositories/users-repository.js';
import type { ApiKey, Role, User } from '../../store/schema.js';
import { createCommandContext } from '../command-context.js';
import { formatTable, formatTime } from '../format-table.js';
import { openMigratedDatabase } from '../open-migrated-database.js';
import { plural } from '../plural.js';
import { recordCliAudit } from '../record-cli-audit.js';
import { terminalSafe } from '../terminal-safe.js';

const DAY_MS = 24 * 3_600_000;
// A zone is required: an expiry must not depend on the time zone of whoever runs the command.
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/iu;

/** The options of `keys create`, as commander parses them. */
export interface CreateKeyOptions {
  name: string;
  role: Role;
  scopes?: string;
  expires: string;
  user?: string;
}

/** `keys create`: checks name, scopes, expiry and owner, stores the key's hash and prints its token once. */
export async function createKey(options: CreateKeyOptions): Promise<void> {
  const name = options.name.trim();
  if (name === '' || name.length > 200) throw new InputValidationError('keys create', [{ path: '--name', message: 'must be 1 to 200 characters' }]);
  const requested = options.scopes === undefined ? [] : options.scopes.split(',').map((scope) => scope.trim()).filter((scope) => scope !== '');
  const scopes = checkKeyScopes(options.role, requested, 'keys create', '--scopes');
  const expiresAt = parseExpiry(options.expires, new Date());
  await withDatabase(async (database) => {
    const owner = options.user === undefined ? undefined : await findOwner(new UsersRepository(database.db), options.user);
    if (owner) checkOwnerMayHold(owner, options.role, scopes);
    const { key, token } = await issueApiKey(database.db, { name, role: options.role, scopes, createdBy: owner?.id ?? null, expiresAt });
    await recordCliAudit(database, {
      action: 'api_key.created',
      targetType: 'api_key',
      targetId: key.id,
      details: { ...keyAuditDetails(key), owner: owner?.username ?? null },
    });
    console.log(
      `Created API key ${JSON.stringify(terminalSafe(key.name))} with prefix ${shownPrefix(key)}: role ${key.role}, ` +
        `${key.scopes.length === 0 ? `every permission of the role` : `scopes ${key.scopes.join(', ')}`}, ` +
        `${owner ? `owned by ${terminalSafe(owner.username)}` : 'owned by no user'}, ` +
        `${key.expires_at === null ? 'never expires' : `expires ${formatTime(key.expires_at)}`}.`,
    );
    console.log('Token (shown only now: it cannot be shown again, so store it in a secret store; send it as `Authorization: Bearer <token>`):');
    console.log(token);
  });
}

/** `keys list`: the API keys newest first, as a table or JSON Lines, never with their tokens or hashes. */
export async function listKeys(options: { json?: boolean }): Promise<void> {
  await withDatabase(async (database) => {
    const list = await new ApiKeysRepository(database.db).list();
    const owners = new Map((await new UsersRepository(database.db).list()).map((user) => [user.id, user.username]));
    const ownerOf = (key: ApiKey) => (key.created_by === null ? null : (owners.get(key.created_by) ?? key.created_by));
    if (options.json === true) {
      for (const key of list) console.log(JSON.stringify(keyJson(key, ownerOf(key))));
      return;
    }
    if (list.length === 0) {
      console.log('No API keys yet. Create one with `overshare keys create --name NAME --role ROLE`.');
      return;
    }
    const rows = list.map((key) => [
      shownPrefix(key),
      key.name,
      key.role,
      key.scopes.length === 0 ? 'all' : key.scopes.join(','),
      ownerOf(key) ?? '-',
      formatTime(key.created_at),
      key.expires_at === null ? 'never' : formatTime(key.expires_at),
      formatTime(key.last_used_at),
      formatTime(key.revoked_at),
    ]);
    console.log(formatTable(['PREFIX', 'NAME', 'ROLE', 'SCOPES', 'OWNER', 'CREATED', 'EXPIRES', 'LAST USED', 'REVOKED'], rows));
    console.log(`\n${plural(list.length, 'key')}.`);
  });
}

/** `keys revoke KEY`: revokes a key by id or prefix, refusing one already revoked. */
export async function revokeKey(reference: string): Promise<void> {
  await withDatabase(async (database) => {
    const repository = new ApiKeysRepository(database.db);
    const key = await resolveKey(repository, reference);
    if (key.revoked_at !== null) {
      throw new InputValidationError('keys revoke', [{ path: reference, message: `the key ${shownPrefix(key)} was already revoked at ${formatTime(key.revoked_at)}` }]);
    }
    const revoked = await repository.revoke(key.id, new Date());
    await recordCliAudit(database, { action: 'api_key.revoked', targetType: 'api_key', targetId: key.id, details: keyAuditDetails(revoked) });
    console.log(`Revoked the API key ${JSON.stringify(terminalSafe(key.name))} (${shownPrefix(key)}): it no longer works.`);
  });
}

/** `90d`, `never`, `2027-01-31` (00:00 UTC) or an ISO 8601 time with its zone; always in the future. */
function parseExpiry(text: string, now: Date): Date | null {
  const value = text.trim();
  if (value.toLowerCase() === 'never') return null;
  const days = /^(\d{1,5})d$/u.exec(value)?.[1];
  let expiresAt: Date | undefined;
  if (days !== undefined) expiresAt = new Date(now.getTime() + Number(days) * DAY_MS);
  else if (/^\d{4}-\d{2}-\d{2}$/u.test(value)) expiresAt = calendarDate(value);
  else if (ISO_TIME.test(value) && calendarDate(value.slice(0, 10)) !== undefined) expiresAt = new Date(value);
  if (expiresAt === undefined || Number.isNaN(expiresAt.getTime())) {
    throw new InputValidationError('keys create', [
      { path: '--expires', message: `"${value}" is not an expiry: give days (90d), a date (2027-01-31), an ISO 8601 time with its zone, or never (default ${DEFAULT_KEY_LIFETIME_MS / DAY_MS}d)` },
    ]);
  }
  if (expiresAt <= now) throw new InputValidationError('keys create', [{ path: '--expires', message: `${expiresAt.toISOString()} is not in the future` }]);
  return expiresAt;
}

/** A real calendar date at 00:00 UTC, or undefined for one such as 2027-02-30. */
function calendarDate(text: string): Date | undefined {
  const [year, month, day] = text.split('-').map(Number);
  const date = new Date(Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1));
  return date.toISOString().slice(0, 10) === text ? date : undefined;
}

async function findOwner(repository: UsersRepository, username: string): Promise<User> {
  const user = await repository.findByUsername(username);
  if (!user) throw new InputValidationError('keys create', [{ path: '--user', message: `no user is called ${JSON.stringify(username)}; \`overshare users list\` shows the users` }]);
  if (!user.is_active) throw new InputValidationError('keys create', [{ path: '--user', message: `${terminalSafe(user.username)} is disabled, so the key would not work; \`overshare users enable\` them first` }]);
  return user;
}

/** A key may do no more than its owner: a reviewer's key cannot carry admin permissions. */
function checkOwnerMayHold(owner: User, role: Role, scopes: readonly Permission[]): void {
  const beyond = keyPermissions(role, scopes).filter((permission) => !ROLE_PERMISSIONS[owner.role].has(permission));
  if (beyond.length > 0) {
    throw new InputValidationError('keys create', [
      { path: '--user', message: `${terminalSafe(owner.username)} is ${owner.role}, which does not grant ${beyond.join(', ')}; choose a smaller --role or --scopes, or another owner` },
    ]);
  }
}

async function resolveKey(repository: ApiKeysRepository, reference: string): Promise<ApiKey> {
  try {
    return await repository.resolve(reference);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    error.message = `No API key matches ${JSON.stringify(reference)}: give its id or its prefix (osk_abcdefghij) as \`overshare keys list\` shows them.`;
    throw error;
  }
}

async function withDatabase(work: (database: Database) => Promise<void>): Promise<void> {
  const database = await openMigratedDatabase(createCommandContext('warn'));
  try {
    await work(database);
  } finally {
    await database.close();
  }
}

function keyJson(key: ApiKey, owner: string | null): Record<string, unknown> {
  return {
    id: key.id,
    prefix: shownPrefix(key),
    name: key.name,
    role: key.role,
    scopes: key.scopes,
    owner,
    createdAt: key.created_at.toISOString(),
    expiresAt: key.expires_at?.toISOString() ?? null,
    lastUsedAt: key.last_used_at?.toISOString() ?? null,
    revokedAt: key.revoked_at?.toISOString() ?? null,
  };
}
