import { Command } from 'commander';
import { purgeExpired } from '../../pipeline/purge-expired.js';
import { createCommandContext } from '../command-context.js';
import { loadRuleSet } from '../load-rule-set.js';
import { openMigratedDatabase } from '../open-migrated-database.js';
import { plural } from '../plural.js';

/** `overshare retention`: enforces the policy's retention periods now (serve and worker do it hourly). */
export function retentionCommand(): Command {
  return new Command('retention')
    .description("purge findings, clean posts, audit entries and delivered events past the policy's retention periods now (serve and worker do it hourly)")
    .action(async () => {
      const context = createCommandContext('warn');
      const { policy } = await loadRuleSet(undefined);
      const database = await openMigratedDatabase(context);
      try {
        const counts = await purgeExpired(database.db, policy.policy.retention, new Date(), context.log);
        console.log(
          `Retention (${policy.source}): purged ${plural(counts.findings, 'finding')} (each with a finding.purged event), ` +
            `dropped the content of ${plural(counts.postsEmptied, 'post')} left without findings, removed ${plural(counts.posts, 'clean post')}, ` +
            `${plural(counts.auditEntries, 'audit entry', 'audit entries')} and ${plural(counts.events, 'outbox event')} every SIEM sink had taken.`,
        );
      } finally {
        await database.close();
      }
    });
}
