import { purgeExpired } from '../../pipeline/purge-expired.js';
import { createCommandContext } from '../command-context.js';
import { loadRuleSet } from '../load-rule-set.js';
import { openMigratedDatabase } from '../open-migrated-database.js';
import { plural } from '../plural.js';

/** `retention`: purges what the policy's retention periods say is due now and says how much. */
export async function enforceRetention(): Promise<void> {
  const context = createCommandContext('warn');
  const { policy } = await loadRuleSet(undefined);
  const database = await openMigratedDatabase(context);
  try {
    const counts = await purgeExpired(database.db, policy.policy.retention, new Date(), context.log);
    console.log(
      `Retention (${policy.source}): purged ${plural(counts.findings, 'finding')} (each with a finding.purged event), ` +
        `dropped the content of ${plural(counts.postsEmptied, 'post')} left without findings, removed ${plural(counts.posts, 'clean post')}, ` +
        `${plural(counts.auditEntries, 'audit entry', 'audit entries')}, ${plural(counts.events, 'outbox event')} every SIEM sink had taken, ` +
        `${plural(counts.attempts, 'collection record')} past 30 days and ${plural(counts.gaps, 'coverage gap')} closed over 400 days ago.`,
    );
  } finally {
    await database.close();
  }
}
