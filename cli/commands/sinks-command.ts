import { Command, InvalidArgumentError, Option } from 'commander';
import { sinksAddCommand } from './sinks-add-command.js';

const NAME_HELP = 'the sink: its name, as `overshare sinks list` shows it, or its id';

/**
 * `overshare sinks add|list|show|disable|enable|remove|deliveries|redeliver`: the SIEM push sinks,
 * managed as the API manages them; every change is recorded in the audit log.
 */
export function sinksCommand(): Command {
  const sinks = new Command('sinks').description('add, list, pause and remove the SIEM sinks overshare pushes finding events to');
  sinks.addCommand(sinksAddCommand());

  sinks
    .command('list')
    .description('list the sinks with how far each has got and its last failure')
    .option('--json', 'one JSON object per sink (JSON Lines)')
    .action(async (options: { json?: boolean }) => (await import('./sinks-actions.js')).listSinks(options));

  sinks
    .command('show')
    .description('show every setting and the delivery state of one sink (never its secret)')
    .argument('<name>', NAME_HELP)
    .action(async (name: string) => (await import('./sinks-actions.js')).showSink(name));

  sinks
    .command('disable')
    .description('stop delivering to a sink; its cursor is kept, so `sinks enable` resumes where it stopped')
    .argument('<name>', NAME_HELP)
    .option('--reason <reason>', 'why, shown by `sinks list` and `sinks show` (default: "disabled from the command line")')
    .action(async (name: string, options: { reason?: string }, command: Command) => (await import('./sinks-actions.js')).disableSink(name, options, command));

  sinks
    .command('enable')
    .description('deliver to a sink again at once, clearing its failures')
    .argument('<name>', NAME_HELP)
    .action(async (name: string) => (await import('./sinks-actions.js')).enableSink(name));

  sinks
    .command('remove')
    .description('delete a sink with its delivery log (the events themselves stay)')
    .argument('<name>', NAME_HELP)
    .action(async (name: string) => (await import('./sinks-actions.js')).removeSink(name));

  sinks
    .command('deliveries')
    .description('the delivery log of a sink, newest first')
    .argument('<name>', NAME_HELP)
    .option('--limit <n>', 'how many attempts to show, 1 to 500', limitNumber, 20)
    .option('--json', 'one JSON object per attempt (JSON Lines)')
    .action(async (name: string, options: { limit: number; json?: boolean }) => (await import('./sinks-actions.js')).listSinkDeliveries(name, options));

  sinks
    .command('redeliver')
    .description('deliver again every event after a cursor (--after), or every event kept (--all)')
    .argument('<name>', NAME_HELP)
    .addOption(new Option('--after <cursor>', 'a cursor as `sinks deliveries` (FROM CURSOR) or `sinks show` gives it').conflicts('all'))
    .option('--all', 'from the oldest event kept')
    .action(async (name: string, options: { after?: string; all?: boolean }, command: Command) => (await import('./sinks-actions.js')).redeliverSink(name, options, command));

  return sinks;
}

function limitNumber(value: string): number {
  const parsed = Number(value);
  if (!/^\d{1,3}$/u.test(value) || parsed < 1 || parsed > 500) throw new InvalidArgumentError('must be a whole number from 1 to 500.');
  return parsed;
}
