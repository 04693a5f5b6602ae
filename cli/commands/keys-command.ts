import { Command, Option } from 'commander';
import type { CreateKeyOptions } from './keys-actions.js';
import { ROLE_CHOICES } from './users-command.js';

/** `overshare keys create|list|revoke`: API keys for scripts and SIEM collectors. */
export function keysCommand(): Command {
  const keys = new Command('keys').description('create, list and revoke API keys (osk_…) for scripts and SIEM collectors');

  keys
    .command('create')
    .description('create an API key; its token is printed once and cannot be shown again')
    .requiredOption('--name <name>', 'what uses the key, e.g. splunk-forwarder')
    .addOption(new Option('--role <role>', 'the role whose permissions the key carries').choices(ROLE_CHOICES).makeOptionMandatory())
    .option('--scopes <permissions>', 'narrow the key to these permissions of its role, comma-separated (default: all of them)')
    .option('--expires <when>', 'when the key stops working: days such as 90d, a date (YYYY-MM-DD, 00:00 UTC) or ISO 8601 time, or never', '365d')
    .option('--user <username>', 'the user who owns the key: disabling them stops it (default: owned by nobody)')
    .action(async (options: CreateKeyOptions) => (await import('./keys-actions.js')).createKey(options));

  keys
    .command('list')
    .description('list the API keys, newest first (never their tokens)')
    .option('--json', 'one JSON object per key (JSON Lines)')
    .action(async (options: { json?: boolean }) => (await import('./keys-actions.js')).listKeys(options));

  keys
    .command('revoke')
    .description('revoke an API key for good: it stops working at once')
    .argument('<key>', 'the key: its id, or its prefix (osk_abcdefghij) as `overshare keys list` shows it')
    .action(async (reference: string) => (await import('./keys-actions.js')).revokeKey(reference));

  return keys;
}
