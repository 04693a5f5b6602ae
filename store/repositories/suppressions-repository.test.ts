import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../core/errors.js';
import { capturingLogger } from '../../test/support/capturing-logger.js';
import { seedAccount, seedFinding } from '../../test/support/seed-findings.js';
import { storeTargets } from '../../test/support/store-targets.js';
import { evidenceFingerprint } from '../evidence-fingerprint.js';
import { migrateToLatest } from '../migrate-to-latest.js';
import type { Database } from '../open-database.js';
import type { Account, Finding, Suppression, SuppressionScope } from '../schema.js';
import { isCoveredBy, isSuppressionActive, SuppressionsRepository } from './suppressions-repository.js';

const HOUR_MS = 3_600_000;

for (const target of storeTargets()) {
  describe.skipIf(!target.isAvailable)(`suppressions on ${target.name}`, () => {
    const { log } = capturingLogger('warn');
    let database: Database;
    let dispose: () => Promise<void>;

    beforeAll(async () => {
      ({ database, dispose } = await target.open(log));
      await migrateToLatest(database.db, log);
    });
    afterAll(async () => dispose());

    const create = (finding: Finding, scope: SuppressionScope, options: { expiresAt?: Date; now?: Date } = {}) =>
      database.db.transaction().execute((trx) =>
        SuppressionsRepository.createFromFinding(trx, finding, {
          scope,
          reason: 'test',
          createdBy: 'user:tester',
          expiresAt: options.expiresAt ?? null,
          now: options.now ?? new Date(),
        }),
      );
    const covered = async (finding: Finding, scope: SuppressionScope) => {
      const suppression = await create(finding, scope);
      return database.db.transaction().execute((trx) => SuppressionsRepository.openFindingsCovered(trx, suppression));
    };
    const resolve = (id: string) => database.db.updateTable('findings').set({ state: 'resolved', resolution: 'false_positive' }).where('id', '=', id).execute();

    /** Findings of one rule (a rule id unique to the test) on two accounts, with evidence in two cases and one other text. */
    async function spread(rule: string) {
      const mine = await seedAccount(database.db);
      const theirs = await seedAccount(database.db);
      const seed = (account: Account, text: string, ruleIds: [string, ...string[]] = [rule]) => seedFinding(database.db, { account, ruleIds, evidence: { source: 'text', text } });
      return {
        mine,
        source: await seed(mine, `SECRET ${rule}`),
        sameRuleSameAccount: await seed(mine, `other text ${rule}`),
        sameEvidenceOtherAccount: await seed(theirs, `secret ${rule}`),
        sameEvidenceSameAccountOtherRule: await seed(mine, `Secret ${rule}`, [`${rule}-other`]),
        otherRuleSecondary: await seed(theirs, `unrelated ${rule}`, [`${rule}-other`, rule]),
      };
    }

    it('keeps only the traits of the finding its scope names', async () => {
      const finding = await seedFinding(database.db, { ruleIds: ['trait-rule', 'second-rule'], evidence: { source: 'ocr', text: 'Top Secret' } });
      const fingerprint = evidenceFingerprint('TOP SECRET');
      const traits = async (scope: SuppressionScope) => {
        const row = await create(finding, scope);
        return [row.rule_id, row.account_id, row.evidence_sha256, row.source_finding_id];
      };
      expect(await traits('rule_account')).toEqual(['trait-rule', finding.account_id, null, finding.id]);
      expect(await traits('evidence')).toEqual([null, null, fingerprint, finding.id]);
      expect(await traits('evidence_account')).toEqual([null, finding.account_id, fingerprint, finding.id]);
      expect(await traits('rule')).toEqual(['trait-rule', null, null, finding.id]);
    });

    it('covers this rule on this account with rule_account, matching the primary rule only', async () => {
      const seeded = await spread('ra-rule');
      expect(new Set(await covered(seeded.source, 'rule_account'))).toEqual(new Set([seeded.source.id, seeded.sameRuleSameAccount.id]));
    });

    it('covers the evidence anywhere, whatever its case, with evidence; and on this account only with evidence_account', async () => {
      const seeded = await spread('ev-rule');
      expect(new Set(await covered(seeded.source, 'evidence'))).toEqual(
        new Set([seeded.source.id, seeded.sameEvidenceOtherAccount.id, seeded.sameEvidenceSameAccountOtherRule.id]),
      );
      expect(new Set(await covered(seeded.source, 'evidence_account'))).toEqual(new Set([seeded.source.id, seeded.sameEvidenceSameAccountOtherRule.id]));
    });

    it('covers the rule on every account with rule, and leaves resolved findings out', async () => {
      const seeded = await spread('r-rule');
      const elsewhere = await seedFinding(database.db, { ruleIds: ['r-rule'], evidence: { source: 'text', text: 'elsewhere' } });
      await resolve(seeded.sameRuleSameAccount.id);
      expect(await covered(seeded.source, 'rule')).toEqual([seeded.source.id, seeded.sameEvidenceOtherAccount.id, elsewhere.id]);
    });

    it('offers analysis only suppressions in force that can apply to the accounts analysed', async () => {
      const seeded = await spread('act-rule');
      const now = new Date();
      const bound = await create(seeded.source, 'rule_account');
      const wide = await create(seeded.source, 'evidence');
      const expired = await create(seeded.source, 'rule', { expiresAt: new Date(now.getTime() - HOUR_MS) });
      const future = await create(seeded.source, 'rule', { expiresAt: new Date(now.getTime() + HOUR_MS) });
      const revoked = await create(seeded.source, 'rule');
      await database.db.transaction().execute((trx) => SuppressionsRepository.revoke(trx, revoked.id, now));
      const ids = async (accountIds: string[]) =>
        new Set((await SuppressionsRepository.activeFor(database.db, accountIds, now)).map((row) => row.id).filter((id) => [bound.id, wide.id, expired.id, future.id, revoked.id].includes(id)));
      expect(await ids([seeded.mine.id])).toEqual(new Set([bound.id, wide.id, future.id]));
      expect(await ids([seeded.sameEvidenceOtherAccount.account_id])).toEqual(new Set([wide.id, future.id]));
      expect(await ids([])).toEqual(new Set([wide.id, future.id]));
    });

    it('matches a subject by every trait the suppression keeps', async () => {
      const finding = await seedFinding(database.db, { ruleIds: ['match-rule'], evidence: { source: 'text', text: 'Hush' } });
      const suppression = await create(finding, 'evidence_account');
      const subject = (accountId: string, text: string) => ({ ruleId: 'any-rule', accountId, evidenceSha256: () => evidenceFingerprint(text) });
      expect(isCoveredBy(suppression, subject(finding.account_id, 'HUSH'))).toBe(true);
      expect(isCoveredBy(suppression, subject(finding.account_id, 'hush!'))).toBe(false);
      expect(isCoveredBy(suppression, subject('00000000-0000-4000-8000-000000000000', 'hush'))).toBe(false);
    });

    it('revokes once: the second revoke changes nothing, and an unknown id is NotFoundError', async () => {
      const suppression = await create(await seedFinding(database.db), 'rule_account');
      const at = new Date('2031-01-01T00:00:00Z');
      const first = await database.db.transaction().execute((trx) => SuppressionsRepository.revoke(trx, suppression.id, at));
      expect([first.wasRevoked, first.suppression.revoked_at]).toEqual([true, at]);
      expect(isSuppressionActive(first.suppression, new Date())).toBe(false);
      const second = await database.db.transaction().execute((trx) => SuppressionsRepository.revoke(trx, suppression.id, new Date()));
      expect([second.wasRevoked, second.suppression.revoked_at]).toEqual([false, at]);
      await expect(database.db.transaction().execute((trx) => SuppressionsRepository.revoke(trx, '00000000-0000-4000-8000-000000000000', at))).rejects.toBeInstanceOf(NotFoundError);
    });

    it('lists newest first in pages that neither skip nor repeat, with status filters', async () => {
      const finding = await seedFinding(database.db, { ruleIds: ['list-rule'] });
      const base = Date.parse('2030-06-01T00:00:00Z');
      // Five at the same millisecond and two later: the id breaks the tie.
      const made: Suppression[] = [];
      for (let index = 0; index < 7; index += 1) made.push(await create(finding, 'rule_account', { now: new Date(base + (index < 5 ? 0 : index) * 1_000) }));
      const repository = new SuppressionsRepository(database.db);
      const now = new Date(base + 10_000);
      const seen: string[] = [];
      let after: { createdAt: Date; id: string } | undefined;
      for (;;) {
        const page = await repository.list({ status: 'all', ruleId: 'list-rule', limit: 3, now, ...(after ? { after } : {}) });
        seen.push(...page.map((row) => row.id));
        const last = page.at(-1);
        if (page.length < 3 || !last) break;
        after = { createdAt: last.created_at, id: last.id };
      }
      const expected = [...made].sort((a, b) => b.created_at.getTime() - a.created_at.getTime() || (a.id < b.id ? 1 : -1)).map((row) => row.id);
      expect(seen).toEqual(expected);

      await database.db.transaction().execute((trx) => SuppressionsRepository.revoke(trx, made[0]!.id, now));
      await database.db.updateTable('suppressions').set({ expires_at: new Date(base) }).where('id', '=', made[1]!.id).execute();
      const ids = async (status: 'active' | 'revoked' | 'expired') => (await repository.list({ status, ruleId: 'list-rule', limit: 50, now })).map((row) => row.id);
      expect(await ids('revoked')).toEqual([made[0]!.id]);
      expect(await ids('expired')).toEqual([made[1]!.id]);
      expect(await ids('active')).toHaveLength(5);
      expect(await ids('active')).not.toContain(made[0]!.id);
    });
  });
}
