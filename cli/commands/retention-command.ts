import { Command } from 'commander';

/** `overshare retention`: enforces the policy's retention periods now (serve and worker do it hourly). */
export function retentionCommand(): Command {
  return new Command('retention')
    .description("purge findings, clean posts, audit entries and delivered events past the policy's retention periods now (serve and worker do it hourly)")
    .action(async () => (await import('./retention-actions.js')).enforceRetention());
}
