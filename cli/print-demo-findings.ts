import type { Kysely } from 'kysely';
import type { ScanRun, Schema } from '../store/schema.js';
import { formatTable } from './format-table.js';
import { describeScanRun } from './describe-scan-run.js';

/** Prints a demo scan's summary and its current findings, highest score first, with their evidence. */
export async function printDemoFindings(db: Kysely<Schema>, run: ScanRun, dataDir: string): Promise<void> {
  console.log(describeScanRun(run));
  const findings = await db
    .selectFrom('findings')
    .innerJoin('accounts', 'accounts.id', 'findings.account_id')
    .innerJoin('posts', 'posts.id', 'findings.post_id')
    .select(['findings.score', 'findings.rule_ids', 'findings.evidence', 'accounts.handle', 'posts.url'])
    .where('findings.is_current', '=', true)
    .orderBy('findings.score', 'desc')
    .orderBy('posts.url')
    .execute();
  if (findings.length === 0) return;
  console.log(`\nFindings in the demo data (all of them, not only this scan's):`);
  console.log(
    formatTable(
      ['SCORE', 'RULE', 'FROM', 'ACCOUNT', 'EVIDENCE'],
      findings.map((finding) => [
        String(finding.score),
        finding.rule_ids[0] ?? '',
        finding.evidence.source === 'ocr' ? 'image text' : finding.evidence.source === 'exif' ? 'image GPS' : 'post text',
        finding.handle.replace(/@.*$/u, ''),
        finding.evidence.text.slice(0, 60),
      ]),
    ),
  );
  console.log(`\nOnce the demo has stopped, look at them with: OVERSHARE_DATA_DIR=${dataDir} npx overshare findings list (or findings show ID)`);
}
