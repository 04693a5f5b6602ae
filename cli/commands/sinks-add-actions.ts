import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
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

const PRIVATE_HINT =
  'Sinks only reach public internet addresses; to deliver to a SIEM on a private network, list its host, IP or range in ' +
  'SINK_ALLOWED_PRIVATE_HOSTS (e.g. SINK_ALLOWED_PRIVATE_HOSTS=10.20.0.5) for this command and for `overshare serve`';

/** The options every `sinks add` kind shares. */
export interface CommonOptions {
  format?: string;
  ca?: string;
  start?: string;
}

/** The options of `sinks add webhook`. */
export interface WebhookOptions extends CommonOptions {
  url: string;
  secretStdin?: boolean;
  secretFile?: string;
}

/** The options of `sinks add syslog`. */
export interface SyslogOptions extends CommonOptions {
  host: string;
  port: number;
  transport?: string;
  facility?: number;
  servername?: string;
}

/** The options of `sinks add splunk-hec`. */
export interface SplunkHecOptions extends CommonOptions {
  url: string;
  tokenStdin?: boolean;
  tokenFile?: string;
  index?: string;
}

/** Where each field of a sink came from on the command line, to name it in a refusal. */
type OptionNames = Partial<Record<string, string>>;

/** `sinks add webhook NAME`: adds a Standard Webhooks receiver, printing a generated signing secret once; bad input exits 2. */
export async function addWebhookSink(name: string, options: WebhookOptions, command: Command): Promise<void> {
  await refusingBadInput(command, async () => {
    const secretOption = options.secretStdin === true ? '--secret-stdin' : '--secret-file';
    const secret = options.secretStdin === true || options.secretFile !== undefined ? await readSecret(secretOption, options.secretFile) : undefined;
    const fields = { kind: 'webhook', name, url: options.url, format: options.format, secret, ...(await common(options)) };
    await addSink(command, fields, { secret: secretOption });
  });
}

/** `sinks add syslog NAME`: adds a syslog server; bad input exits 2. */
export async function addSyslogSink(name: string, options: SyslogOptions, command: Command): Promise<void> {
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
}

/** `sinks add splunk-hec NAME`: adds a Splunk HTTP Event Collector with its token from standard input or a file; bad input exits 2. */
export async function addSplunkHecSink(name: string, options: SplunkHecOptions, command: Command): Promise<void> {
  await refusingBadInput(command, async () => {
    if (options.tokenStdin !== true && options.tokenFile === undefined) {
      throw new InputValidationError('sinks add splunk-hec', [{ path: '--token-stdin', message: 'the HEC token is required: pipe it in with --token-stdin, or give --token-file FILE' }]);
    }
    const tokenOption = options.tokenStdin === true ? '--token-stdin' : '--token-file';
    const token = await readSecret(tokenOption, options.tokenFile);
    const fields = { kind: 'splunk_hec', name, url: options.url, token, format: options.format, index: options.index, ...(await common(options)) };
    await addSink(command, fields, { token: tokenOption });
  });
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
