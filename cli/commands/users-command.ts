import { Command, Option } from 'commander';
import type { Role } from '../../store/schema.js';
import type { AddUserOptions } from './users-actions.js';

/** The roles a user or key can have, as `--role` offers them. */
export const ROLE_CHOICES: readonly Role[] = ['admin', 'reviewer', 'auditor', 'siem'];

const PASSWORD_HELP =
  '\nThe password is read from the first line of standard input with --password-stdin (for scripts); otherwise it is\n' +
  'asked twice at the terminal without echo; with neither, a random one is generated and printed once.\n' +
  'Passwords need at least 12 characters; a passphrase of several words is easiest.';

/** `overshare users add|passwd|disable|enable|list`: the people who sign in to the review UI and API. */
export function usersCommand(): Command {
  const users = new Command('users').description('add, list, disable and re-enable the people who sign in, and set their passwords');

  users
    .command('add')
    .description('add a user with a role and a password')
    .argument('<username>', '2 to 64 letters, digits, dots, dashes, underscores or @; unique regardless of case')
    .addOption(new Option('--role <role>', 'what the user may do').choices(ROLE_CHOICES).makeOptionMandatory())
    .option('--email <email>', "the user's e-mail address")
    .option('--name <name>', 'the name to show for the user')
    .option('--password-stdin', 'read the password from the first line of standard input')
    .addHelpText('after', PASSWORD_HELP)
    .action(async (username: string, options: AddUserOptions) => (await import('./users-actions.js')).addUser(username, options));

  users
    .command('passwd')
    .description("set a user's password; every session of the user ends")
    .argument('<username>', 'the user, as `overshare users list` shows them')
    .option('--password-stdin', 'read the password from the first line of standard input')
    .addHelpText('after', PASSWORD_HELP)
    .action(async (username: string, options: { passwordStdin?: boolean }) => (await import('./users-actions.js')).setUserPassword(username, options));

  users
    .command('disable')
    .description('stop a user from signing in: their sessions end and their API keys stop working')
    .argument('<username>', 'the user, as `overshare users list` shows them')
    .action(async (username: string) => (await import('./users-actions.js')).setUserActive(username, false));

  users
    .command('enable')
    .description('let a disabled user sign in again; their API keys work again')
    .argument('<username>', 'the user, as `overshare users list` shows them')
    .action(async (username: string) => (await import('./users-actions.js')).setUserActive(username, true));

  users
    .command('list')
    .description('list the users with their role, state and last sign-in')
    .option('--json', 'one JSON object per user (JSON Lines)')
    .action(async (options: { json?: boolean }) => (await import('./users-actions.js')).listUsers(options));

  return users;
}
