import { Command, InvalidArgumentError, Option } from 'commander';
import type { SplunkHecOptions, SyslogOptions, WebhookOptions } from './sinks-add-actions.js';

const START_HELP = 'where delivery starts: beginning (every event still kept) or now (only events from now on)';
const CA_HELP = 'a PEM file of the CA that signed the target’s certificate, when it is not a public one';

/**
 * `overshare sinks add webhook|syslog|splunk-hec NAME …`: validates with the API's own schema
 * (`sinkInput`), refuses private targets unless SINK_ALLOWED_PRIVATE_HOSTS allows them, seals the
 * secret and records the change; refused input exits with code 2. Secrets and tokens are read from
 * standard input or a file, never from the command line (shell history, `ps`).
 */
export function sinksAddCommand(): Command {
  const add = new Command('add').description('add a SIEM sink: a webhook, a syslog server or a Splunk HTTP Event Collector');

  add
    .command('webhook')
    .description('add a Standard Webhooks receiver; a signing secret is generated and printed once unless you give one')
    .argument('<name>', 'the sink’s name: 1 to 64 letters, digits, ".", "_" or "-"')
    .requiredOption('--url <url>', 'where to POST the events (http:// or https://)')
    .addOption(new Option('--format <format>', 'event form').choices(['native', 'ocsf', 'ecs']).default('native'))
    .addOption(new Option('--secret-stdin', 'read the signing secret (whsec_…) from the first line of standard input').conflicts('secretFile'))
    .option('--secret-file <file>', 'read the signing secret (whsec_…) from a file')
    .option('--ca <file>', CA_HELP)
    .addOption(new Option('--start <where>', START_HELP).choices(['beginning', 'now']).default('beginning'))
    .action(async (name: string, options: WebhookOptions, command: Command) => (await import('./sinks-add-actions.js')).addWebhookSink(name, options, command));

  add
    .command('syslog')
    .description('add a syslog server: RFC 5424 over TLS (or plain TCP) with octet counting, carrying CEF')
    .argument('<name>', 'the sink’s name: 1 to 64 letters, digits, ".", "_" or "-"')
    .requiredOption('--host <host>', 'the syslog server’s host name or IP')
    .requiredOption('--port <port>', 'its port, e.g. 6514 for TLS', wholeNumber)
    .addOption(new Option('--transport <transport>', 'tls, or tcp for an unencrypted connection').choices(['tls', 'tcp']).default('tls'))
    .option('--facility <facility>', 'syslog facility 0 to 23 (default 13, "log audit")', wholeNumber)
    .option('--ca <file>', CA_HELP)
    .option('--servername <name>', 'the name to expect in the server’s TLS certificate, when it is not --host')
    .addOption(new Option('--start <where>', START_HELP).choices(['beginning', 'now']).default('beginning'))
    .action(async (name: string, options: SyslogOptions, command: Command) => (await import('./sinks-add-actions.js')).addSyslogSink(name, options, command));

  add
    .command('splunk-hec')
    .description('add a Splunk HTTP Event Collector; its token is read from standard input or a file')
    .argument('<name>', 'the sink’s name: 1 to 64 letters, digits, ".", "_" or "-"')
    .requiredOption('--url <url>', 'the HEC base URL, e.g. https://splunk.example:8088')
    .addOption(new Option('--token-stdin', 'read the HEC token from the first line of standard input').conflicts('tokenFile'))
    .option('--token-file <file>', 'read the HEC token from a file')
    .addOption(new Option('--format <format>', 'event form').choices(['native', 'ocsf', 'ecs']).default('ocsf'))
    .option('--index <index>', 'the Splunk index to write to (default: the token’s default index)')
    .option('--ca <file>', CA_HELP)
    .addOption(new Option('--start <where>', START_HELP).choices(['beginning', 'now']).default('beginning'))
    .addHelpText('after', '\nThe token is never taken as an argument: it would be kept in shell history and shown by `ps`.')
    .action(async (name: string, options: SplunkHecOptions, command: Command) => (await import('./sinks-add-actions.js')).addSplunkHecSink(name, options, command));

  return add;
}

function wholeNumber(value: string): number {
  if (!/^\d{1,6}$/u.test(value)) throw new InvalidArgumentError('must be a whole number.');
  return Number(value);
}
