import type { Kysely, Transaction } from 'kysely';
import { evidenceFingerprint } from '../evidence-fingerprint.js';
import type { Finding, FindingEventType, Schema, Suppression } from '../schema.js';
import { FindingEventsRepository } from './finding-events-repository.js';
import { isCoveredBy, SuppressionsRepository } from './suppressions-repository.js';
import { findingDedupeKey, upsertFinding, type FindingInput } from './upsert-finding.js';

/** What saving one post's analysis changed. */
export interface SavedAnalysis {
  created: number;
  updated: number;
  /** Findings whose evidence is gone from the changed post. */
  superseded: number;
  /** New findings kept out because an active suppression covers them (nothing is stored for them). */
  suppressed: number;
  /** True when the post had no finding and its text and image content were dropped. */
  isContentDropped: boolean;
}

/**
 * Saves a post's analysis in one transaction: its findings (new, changed or no longer current),
 * one outbox event per finding version, the post marked analyzed and, when it has no current
 * finding, its text, OCR text and image bytes dropped (privacy by design: URL, ids, hashes and
 * times stay). Saving the same analysis again changes nothing. A finding that would be new is
 * not raised when a suppression in force covers it (it is counted in `suppressed`); findings that
 * exist already are saved as always.
 */
export class PostAnalysisRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  /**
   * Saves the analysis of the post's content with hash `contentSha256`; does nothing when the
   * post was analyzed already or has changed since it was read (the new version's job saves that).
   */
  async save(postId: string, contentSha256: string, findings: readonly FindingInput[]): Promise<SavedAnalysis | undefined> {
    return this.db.transaction().execute(async (trx) => {
      // Lock the post: a replayed job racing this one waits and then sees it analyzed.
      const post = await trx
        .selectFrom('posts')
        .select(['id', 'analyzed_at', 'content_sha256'])
        .where('id', '=', postId)
        .forUpdate()
        .executeTakeFirst();
      if (post === undefined || post.analyzed_at !== null || post.content_sha256 !== contentSha256) return undefined;

      const changed: Array<{ finding: Finding; type: FindingEventType }> = [];
      const keys: string[] = [];
      let suppressed = 0;
      const isSuppressedNew = await suppressionCheck(trx, findings);
      for (const input of findings) {
        if (await isSuppressedNew(input)) {
          suppressed += 1;
          continue;
        }
        const { finding, outcome } = await upsertFinding(trx, input);
        keys.push(finding.dedupe_key);
        if (outcome !== 'unchanged') changed.push({ finding, type: outcome === 'created' ? 'finding.created' : 'finding.updated' });
      }
      let stale = trx
        .updateTable('findings')
        .set((eb) => ({ is_current: false, version: eb('version', '+', 1), updated_at: new Date() }))
        .where('post_id', '=', postId)
        .where('is_current', '=', true);
      if (keys.length > 0) stale = stale.where('dedupe_key', 'not in', keys);
      const superseded = await stale.returningAll().execute();
      for (const finding of superseded) changed.push({ finding, type: 'finding.updated' });

      const now = new Date();
      const isContentDropped = keys.length === 0;
      await trx
        .updateTable('posts')
        .set(isContentDropped ? { analyzed_at: now, text: null, content_dropped_at: now } : { analyzed_at: now })
        .where('id', '=', postId)
        .execute();
      if (isContentDropped) {
        await trx
          .updateTable('media')
          .set({ content: null, ocr_text: null, ocr_words: null, metadata: '{}' })
          .where('post_id', '=', postId)
          .execute();
      }
      // Events last: the outbox lock is held from the first append to COMMIT.
      for (const { finding, type } of changed) await FindingEventsRepository.append(trx, finding, type);
      return {
        created: changed.filter((entry) => entry.type === 'finding.created').length,
        updated: changed.length - changed.filter((entry) => entry.type === 'finding.created').length - superseded.length,
        superseded: superseded.length,
        suppressed,
        isContentDropped,
      };
    });
  }
}

/**
 * Whether a finding of this analysis is new and covered by a suppression in force. The
 * suppressions are read once per save (they are few), and only when there are findings at all.
 */
export async function suppressionCheck(trx: Transaction<Schema>, findings: readonly FindingInput[]): Promise<(input: FindingInput) => Promise<boolean>> {
  if (findings.length === 0) return () => Promise.resolve(false);
  const accountIds = [...new Set(findings.map((input) => input.accountId))];
  const suppressions: Suppression[] = await SuppressionsRepository.activeFor(trx, accountIds, new Date());
  if (suppressions.length === 0) return () => Promise.resolve(false);
  return async (input) => {
    let fingerprint: string | undefined;
    const subject = { ruleId: input.ruleIds[0], accountId: input.accountId, evidenceSha256: () => (fingerprint ??= evidenceFingerprint(input.evidence.text)) };
    if (!suppressions.some((suppression) => isCoveredBy(suppression, subject))) return false;
    // Only new findings are kept out: one raised before the suppression is saved as always.
    const existing = await trx
      .selectFrom('findings')
      .select('id')
      .where('dedupe_key', '=', findingDedupeKey(input.postId, input.ruleIds[0], input.evidence))
      .executeTakeFirst();
    return existing === undefined;
  };
}
