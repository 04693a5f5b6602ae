#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { CONFIG_VARIABLES } from '../core/config.js';
import { OvershareError } from '../core/errors.js';
import { OVERSHARE_VERSION } from '../core/version.js';
import { accountsCommand } from './commands/accounts-command.js';
import { analyzeCommand } from './commands/analyze-command.js';
import { collectCommand } from './commands/collect-command.js';
import { coverageCommand } from './commands/coverage-command.js';
import { demoCommand } from './commands/demo-command.js';
import { findingsCommand } from './commands/findings-command.js';
import { jobsCommand } from './commands/jobs-command.js';
import { migrateCommand } from './commands/migrate-command.js';
import { policyCommand } from './commands/policy-command.js';
import { rulesCommand } from './commands/rules-command.js';
import { scanCommand } from './commands/scan-command.js';
import { serveCommand } from './commands/serve-command.js';
import { workerCommand } from './commands/worker-command.js';
import { retentionCommand } from './commands/retention-command.js';
import { usersCommand } from './commands/users-command.js';
import { keysCommand } from './commands/keys-command.js';
import { sinksCommand } from './commands/sinks-command.js';

/** Exit codes: 0 success, 1 the work failed, 2 the command line was wrong (3: `coverage` found accounts not covered). */
const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;

function buildProgram(): Command {
  const program = new Command('overshare')
    .description('Finds confidential company information that employees and corporate accounts post in public.')
    .version(OVERSHARE_VERSION, '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', `\nConfiguration comes from the environment: ${CONFIG_VARIABLES.join(', ')}.\nSee README.md.`)
    .addCommand(serveCommand())
    .addCommand(demoCommand())
    .addCommand(workerCommand())
    .addCommand(migrateCommand())
    .addCommand(policyCommand())
    .addCommand(analyzeCommand())
    .addCommand(collectCommand())
    .addCommand(accountsCommand())
    .addCommand(scanCommand())
    .addCommand(coverageCommand())
    .addCommand(findingsCommand())
    .addCommand(jobsCommand())
    .addCommand(retentionCommand())
    .addCommand(rulesCommand())
    .addCommand(usersCommand())
    .addCommand(keysCommand())
    .addCommand(sinksCommand());
  exitOverrideEverywhere(program);
  return program;
}

function exitOverrideEverywhere(command: Command): void {
  command.exitOverride();
  for (const child of command.commands) exitOverrideEverywhere(child);
}

async function main(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    // A command that carried on past bad inputs (analyze) sets the exit code itself.
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are "errors" to commander; their exit code is 0.
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (error instanceof OvershareError) {
      console.error(`overshare: ${error.message}`);
      return EXIT_FAILURE;
    }
    // Only the message and stack: a database error's other fields can hold post text.
    console.error('overshare: unexpected error (please report it with this output):');
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return EXIT_FAILURE;
  }
}

process.exitCode = await main(process.argv);
