import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { Command, InvalidArgumentError, Option } from 'commander';
import { InputValidationError, type InputIssue } from '../../core/errors.js';
import { createAddressGuard, RefusedAddressError, type AddressGuard } from '../../crawler/net/address-guard.js';
import { createSecretBox } from '../../server/auth/secret-box.js';
import { createSink } from '../../server/siem/create-sink.js';
import { sinkInput, type SinkInputBody } from '../../server/siem/sink-settings.js';
import { createCommandContext } from '../command-context.js';
import { openMigratedDatabase } from '../open-migrated-database.js';
import { readSecretKey } from '../read-secret-key.js';
import { recordCliAudit } from '../record-cli-audit.js';
import { terminalSafe } from '../terminal-safe.js';
import { shownTarget } from '../../server/api/routes/sinks-routes.js';

const START_HELP = 'where delivery starts: beginning (every event still kept) or now (only events from now on)';
const CA_HELP = 'a PEM file of the CA that signed the target’s certificate, when it is not a public one';
const PRIVATE_HINT =
  'Sinks only reach public internet addresses; to deliver to a SIEM on a private network, list its host, IP or range in ' +
  'SINK_ALLOWED_PRIVATE_HOSTS (e.g. SINK_ALLOWED_PRIVATE_HOSTS=10.20.0.5) for this command and for `overshare serve`';

interface CommonOptions {
  format?: string;
  ca?: string;
  start?: string;
}

interface WebhookOptions extends CommonOptions {
  url: string;
  secretStdin?: boolean;
  secretFile?: string;
}

interface SyslogOptions extends CommonOptions {
  host: string;
  port: number;
  transport?: string;
  facility?: number;
  servername?: string;
}

interface SplunkHecOptions extends CommonOptions {
  url: string;
  tokenStdin?: boolean;
  tokenFile?: string;
  index?: string;
}

/** Where each field of a sink came from on the command line, to name it in a refusal. */
type OptionNames = Partial<Record<string, string>>;

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
    .action(async (name: string, options: WebhookOptions, command: Command) => {
      await refusingBadInput(command, async () => {
        const secretOption = options.secretStdin === true ? '--secret-stdin' : '--secret-file';
        const secret = options.secretStdin === true || options.secretFile !== undefined ? await readSecret(secretOption, options.secretFile) : undefined;
        const fields = { kind: 'webhook', name, url: options.url, format: options.format, secret, ...(await common(options)) };
        await addSink(command, fields, { secret: secretOption });
      });
    });

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
    .action(async (name: string, options: SyslogOptions, command: Command) => {
      await refusingBadInput(command, async () => {
        const fields = {
          kind: 'syslog',
          name,
          host: options.host,
          port: options.port,
          transport: options.transport,
          facility: options.facility,
          servername: options.servername,
          ...(await common(options)),
        };
        await addSink(command, fields, {});
      });
    });

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
    .action(async (name: string, options: SplunkHecOptions, command: Command) => {
      await refusingBadInput(command, async () => {
        if (options.tokenStdin !== true && options.tokenFile === undefined) {
          throw new InputValidationError('sinks add splunk-hec', [{ path: '--token-stdin', message: 'the HEC token is required: pipe it in with --token-stdin, or give --token-file FILE' }]);
        }
        const tokenOption = options.tokenStdin === true ? '--token-stdin' : '--token-file';
        const token = await readSecret(tokenOption, options.tokenFile);
        const fields = { kind: 'splunk_hec', name, url: options.url, token, format: options.format, index: options.index, ...(await common(options)) };
        await addSink(command, fields, { token: tokenOption });
      });
    });

  return add;
}

/** Checks the fields with the API's schema and the address guard, then stores the sink and reports it. */
async function addSink(command: Command, fields: Record<string, unknown>, optionNames: OptionNames): Promise<void> {
  const source = `sinks add ${command.name()}`;
  const parsed = sinkInput.safeParse(fields);
  if (!parsed.success) {
    throw new InputValidationError(
      source,
      parsed.error.issues.map((issue) => ({ path: optionName(issue.path[0], optionNames), message: issue.message })),
    );
  }
  const input = parsed.data;
  const context = createCommandContext('warn');
  const guard = createAddressGuard({ allowedPrivateHosts: context.config.sinks.allowedPrivateHosts });
  checkTarget(guard, input, source);
  const database = await openMigratedDatabase(context);
  try {
    const secrets = createSecretBox(await readSecretKey(context.config, context.log));
    const { sink, generatedSecret } = await createSink(database.db, secrets, guard, input);
    await recordCliAudit(database, { action: 'sink.created', targetType: 'sink', targetId: sink.id, details: { name: sink.name, kind: sink.kind, target: shownTarget(sink) } });
    const from = input.start === 'now' ? 'only events from now on' : 'every event still kept';
    console.log(`Added ${sink.kind} sink ${terminalSafe(sink.name)} (${sink.id}) to ${terminalSafe(sink.target)} in ${sink.format} form, delivering ${from}.`);
    console.log('`overshare serve` delivers to it; `overshare sinks list` shows how far it has got.');
    if (generatedSecret !== undefined) {
      console.log('Signing secret (shown only now: it cannot be shown again; give it to the receiver, which verifies the webhook-signature header with it):');
      console.log(generatedSecret);
    }
  } finally {
    await database.close();
  }
}

/** The options every kind shares, with the CA file read in. */
async function common(options: CommonOptions): Promise<Record<string, unknown>> {
  return { start: options.start, ...(options.ca === undefined ? {} : { ca: await readOptionFile('--ca', options.ca) }) };
}

function checkTarget(guard: AddressGuard, input: SinkInputBody, source: string): void {
  const option = input.kind === 'syslog' ? '--host' : '--url';
  try {
    if (input.kind === 'syslog') guard.checkHost(input.host);
    else guard.checkUrl(new URL(input.url));
  } catch (error) {
    if (!(error instanceof RefusedAddressError)) throw error;
    throw new InputValidationError(source, [{ path: option, message: `refused: ${error.reason}. ${PRIVATE_HINT}` }], { cause: error });
  }
}

/** The command-line spelling of a schema field: `url` is --url, the name is the NAME argument. */
function optionName(field: PropertyKey | undefined, optionNames: OptionNames): string {
  if (typeof field !== 'string') return '(the sink)';
  if (field === 'name') return 'NAME';
  return optionNames[field] ?? `--${field.replace(/[A-Z]/gu, (letter) => `-${letter.toLowerCase()}`)}`;
}

/** A secret from the first line of standard input, or from a file (its first line, trimmed). */
async function readSecret(option: string, file: string | undefined): Promise<string> {
  if (file !== undefined) return ((await readOptionFile(option, file)).split(/\r?\n/u)[0] ?? '').trim();
  if (process.stdin.isTTY) console.error('Paste it and press Enter (pipe it in instead to keep it off the screen):');
  const lines = createInterface({ input: process.stdin, terminal: false, crlfDelay: Infinity });
  try {
    for await (const line of lines) return line.trim();
  } finally {
    lines.close();
  }
  throw new InputValidationError('standard input', [{ path: option, message: 'nothing arrived: pipe the secret in as the first line, e.g. `printf "%s\\n" "$TOKEN" | overshare …`' }]);
}

async function readOptionFile(option: string, file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new InputValidationError('the command line', [{ path: option, message: `cannot read ${file} (${error instanceof Error ? error.message : 'unknown error'})` }], { cause: error });
  }
}

function wholeNumber(value: string): number {
  if (!/^\d{1,6}$/u.test(value)) throw new InvalidArgumentError('must be a whole number.');
  return Number(value);
}

/**
 * Runs `work`, turning refused input (InputValidationError) into a usage error: the problems on
 * standard error and exit code 2, as for an unknown option.
 */
export async function refusingBadInput(command: Command, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (!(error instanceof InputValidationError)) throw error;
    const issues: readonly InputIssue[] = error.issues;
    const lines = [`${error.source} has ${issues.length === 1 ? '1 problem' : `${issues.length} problems`}:`, ...issues.map((issue) => `  ${issue.path}: ${issue.message}`)];
    command.error(`overshare: ${lines.map((line) => terminalSafe(line)).join('\n')}`, { exitCode: 2, code: 'overshare.invalidInput' });
  }
}
