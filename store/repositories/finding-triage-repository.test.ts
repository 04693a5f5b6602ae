import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturingLogger } from '../../test/support/capturing-logger.js';
import { storeTargets } from '../../test/support/store-targets.js';
import { InputValidationError, NotFoundError } from '../../core/errors.js';
import { migrateToLatest } from '../migrate-to-latest.js';
import type { Database } from '../open-database.js';
import type { Account, Finding, FindingState } from '../schema.js';
import { AccountsRepository } from './accounts-repository.js';
import {
  ALLOWED_TRANSITIONS,
  FindingTriageRepository,
  StaleVersionError,
  transitionFinding,
  TransitionNotAllowedError,
  type TransitionInput,
  type TriageActor,
} from './finding-triage-repository.js';
import { FindingsRepository } from './findings-repository.js';
import { PostsRepository } from './posts-repository.js';

const STATES: FindingState[] = ['new', 'in_review', 'resolved', 'reopened'];
// How to bring a new finding to each state through allowed transitions.
const PATH_TO: Record<FindingState, FindingState[]> = { new: [], in_review: ['in_review'], resolved: ['resolved'], reopened: ['resolved', 'reopened'] };
const NOW = new Date('2025-06-01T12:00:00Z');
const DAY_MS = 86_400_000;

for (const target of storeTargets()) {
  describe.skipIf(!target.isAvailable)(`finding triage on ${target.name}`, () => {
    const { log } = capturingLogger();
    let database: Database;
    let dispose: () => Promise<void>;
    let triage: FindingTriageRepository;
    let account: Account;
    let actor: TriageActor;
    const users: Record<string, string> = {};

    beforeAll(async () => {
      ({ database, dispose } = await target.open(log));
      await migrateToLatest(database.db, log);
      triage = new FindingTriageRepository(database.db);
      account = await new AccountsRepository(database.db).create({ platform: 'mastodon', handle: 'triaged', kind: 'employee' });
      for (const [username, role, isActive] of [['rita', 'reviewer', true], ['ada', 'admin', true], ['otto', 'auditor', true], ['gone', 'reviewer', false]] as const) {
        users[username] = (
          await database.db.insertInto('users').values({ username, role, is_active: isActive, password_hash: null }).returning('id').executeTakeFirstOrThrow()
        ).id;
      }
      actor = { type: 'user', id: users.rita!, name: 'rita' };
    });
    afterAll(async () => dispose());

    async function newFinding(): Promise<Finding> {
      const { post } = await new PostsRepository(database.db).upsert({
        accountId: account.id,
        platform: 'mastodon',
        externalId: randomUUID(),
        url: 'https://social.example/@triaged/1',
        text: 'the memo says STRICTLY CONFIDENTIAL',
      });
      const { finding } = await new FindingsRepository(database.db).record({
        postId: post.id,
        accountId: account.id,
        ruleIds: ['marking-confidential'],
        category: 'marking',
        severity: 'high',
        score: 80,
        scoreBreakdown: { base: 80 },
        evidence: { source: 'text', text: 'STRICTLY CONFIDENTIAL' },
      });
      return finding;
    }

    const resolveInput = (findingId: string): Partial<TransitionInput> => ({ findingId, resolution: 'confirmed_leak' });

    async function findingIn(state: FindingState): Promise<Finding> {
      let finding = await newFinding();
      for (const to of PATH_TO[state]) {
        finding = await triage.transition({ findingId: finding.id, to, actor, now: NOW, ...(to === 'resolved' ? resolveInput(finding.id) : {}) });
      }
      return finding;
    }

    async function trail(findingId: string) {
      const { db } = database;
      return {
        finding: await db.selectFrom('findings').selectAll().where('id', '=', findingId).executeTakeFirstOrThrow(),
        events: await db.selectFrom('finding_events').selectAll().where('finding_id', '=', findingId).orderBy('seq').execute(),
        audit: await db.selectFrom('audit_log').selectAll().where('target_id', '=', findingId).orderBy('id').execute(),
        comments: await db.selectFrom('finding_comments').selectAll().where('finding_id', '=', findingId).execute(),
      };
    }

    for (const from of STATES) {
      for (const to of STATES) {
        const isAllowed = ALLOWED_TRANSITIONS[from].includes(to);
        it(`${isAllowed ? 'moves' : 'refuses to move'} a finding from ${from} to ${to}`, async () => {
          const start = await findingIn(from);
          const before = await trail(start.id);
          const input = { findingId: start.id, to, actor, now: NOW, ...(to === 'resolved' ? resolveInput(start.id) : {}) };
          if (!isAllowed) {
            const error: unknown = await triage.transition(input).catch((caught: unknown) => caught);
            expect(error).toBeInstanceOf(TransitionNotAllowedError);
            expect((error as TransitionNotAllowedError).allowed).toEqual(ALLOWED_TRANSITIONS[from]);
            expect((error as Error).message).toContain(`from ${from} it can go to ${ALLOWED_TRANSITIONS[from].join(' or ')}`);
            expect(await trail(start.id)).toEqual(before);
            return;
          }
          const updated = await triage.transition(input);
          const after = await trail(start.id);
          expect(updated).toMatchObject({ state: to, version: start.version + 1, updated_at: NOW });
          expect(after.events).toHaveLength(before.events.length + 1);
          expect(after.events.at(-1)).toMatchObject({ type: 'finding.updated', finding_version: start.version + 1 });
          expect(after.events.at(-1)?.payload).toMatchObject({ state: to, version: start.version + 1 });
          expect(after.audit).toHaveLength(before.audit.length + 1);
          expect(after.audit.at(-1)).toMatchObject({
            action: 'finding.transitioned',
            actor_type: 'user',
            actor_id: users.rita,
            target_type: 'finding',
            details: { from, to, version: start.version + 1 },
          });
          expect(JSON.stringify(after.audit)).not.toContain('STRICTLY CONFIDENTIAL');
          if (to === 'resolved') {
            expect(updated).toMatchObject({ resolution: 'confirmed_leak', resolved_at: NOW, resolved_by: `user:${users.rita}` });
          } else {
            expect(updated).toMatchObject({ resolution: null, resolved_at: null, resolved_by: null, resolution_expires_at: null });
          }
        });
      }
    }

    it('refuses to resolve without a resolution, and a resolution when not resolving', async () => {
      const finding = await newFinding();
      await expect(triage.transition({ findingId: finding.id, to: 'resolved', actor, now: NOW })).rejects.toThrow(/resolution: resolving needs a resolution/u);
      await expect(triage.transition({ findingId: finding.id, to: 'in_review', resolution: 'authorized', actor, now: NOW })).rejects.toThrow(
        /given only when resolving/u,
      );
      expect((await trail(finding.id)).finding.version).toBe(1);
    });

    for (const resolution of ['false_positive', 'accepted_risk'] as const) {
      it(`needs a comment to resolve as ${resolution}, and stores it with the change`, async () => {
        const finding = await newFinding();
        const expiresAt = resolution === 'accepted_risk' ? new Date(NOW.getTime() + 30 * DAY_MS) : undefined;
        const base = { findingId: finding.id, to: 'resolved' as const, resolution, expiresAt, actor, now: NOW };
        for (const comment of [undefined, '', '   ']) {
          const error: unknown = await triage.transition({ ...base, comment }).catch((caught: unknown) => caught);
          expect(error).toBeInstanceOf(InputValidationError);
          expect((error as InputValidationError).issues).toContainEqual({ path: 'comment', message: `${resolution} needs a comment saying why` });
        }
        expect(await trail(finding.id)).toMatchObject({ events: { length: 1 }, audit: { length: 0 }, comments: { length: 0 } });
        await triage.transition({ ...base, comment: '  The test key from the docs.  ' });
        const after = await trail(finding.id);
        expect(after.comments).toMatchObject([{ body: 'The test key from the docs.', author_type: 'user', author_id: users.rita, author_name: 'rita' }]);
        expect(after.audit[0]?.details).toMatchObject({ comment_id: after.comments[0]?.id });
      });
    }

    for (const resolution of ['confirmed_leak', 'authorized', 'out_of_scope', 'duplicate'] as const) {
      it(`resolves as ${resolution} without a comment`, async () => {
        const finding = await newFinding();
        await triage.transition({ findingId: finding.id, to: 'resolved', resolution, actor, now: NOW });
        expect(await trail(finding.id)).toMatchObject({ finding: { state: 'resolved', resolution }, comments: [] });
      });
    }

    it('accepts a risk only until a date in the future and at most two years ahead', async () => {
      const finding = await newFinding();
      const accept = (expiresAt: Date | undefined) =>
        triage.transition({ findingId: finding.id, to: 'resolved', resolution: 'accepted_risk', comment: 'Known.', expiresAt, actor, now: NOW });
      await expect(accept(undefined)).rejects.toThrow(/accepted_risk needs expires_at/u);
      await expect(accept(NOW)).rejects.toThrow(/expires_at: must be in the future/u);
      await expect(accept(new Date('2027-06-01T12:00:01Z'))).rejects.toThrow(/at most 2 years ahead/u);
      const latest = new Date('2027-06-01T12:00:00Z');
      expect(await accept(latest)).toMatchObject({ resolution: 'accepted_risk', resolution_expires_at: latest });
    });

    it('refuses an expiry for any resolution but accepted_risk', async () => {
      const finding = await newFinding();
      await expect(
        triage.transition({ findingId: finding.id, to: 'resolved', resolution: 'authorized', expiresAt: new Date(NOW.getTime() + DAY_MS), actor, now: NOW }),
      ).rejects.toThrow(/only an accepted_risk resolution expires/u);
    });

    it('clears resolution, expiry and who resolved when a finding is reopened', async () => {
      const finding = await newFinding();
      await triage.transition({
        findingId: finding.id, to: 'resolved', resolution: 'accepted_risk', comment: 'Until the launch.', expiresAt: new Date(NOW.getTime() + DAY_MS),
        actor, now: NOW, suppressionId: randomUUID(),
      });
      const reopened = await triage.transition({ findingId: finding.id, to: 'reopened', actor, now: new Date(NOW.getTime() + 1_000) });
      expect(reopened).toMatchObject({ state: 'reopened', resolution: null, resolution_expires_at: null, resolved_at: null, resolved_by: null, suppression_id: null });
    });

    it('names the original of a duplicate only when it exists and is another finding', async () => {
      const original = await newFinding();
      const finding = await newFinding();
      const resolve = (duplicateOf: string) => triage.transition({ findingId: finding.id, to: 'resolved', resolution: 'duplicate', duplicateOf, actor, now: NOW });
      await expect(resolve(randomUUID())).rejects.toThrow(/duplicate_of: no finding .* exists/u);
      await expect(resolve(finding.id)).rejects.toThrow(/cannot be a duplicate of itself/u);
      await expect(
        triage.transition({ findingId: finding.id, to: 'resolved', resolution: 'authorized', duplicateOf: original.id, actor, now: NOW }),
      ).rejects.toThrow(/only with the duplicate resolution/u);
      await resolve(original.id);
      expect((await trail(finding.id)).audit.at(-1)?.details).toMatchObject({ resolution: 'duplicate', duplicate_of: original.id });
    });

    it('keeps the suppression that resolved a finding, and writes system for a system actor', async () => {
      const finding = await newFinding();
      const suppressionId = randomUUID();
      const updated = await triage.transition({
        findingId: finding.id, to: 'resolved', resolution: 'out_of_scope', actor: { type: 'system', id: 'suppressions', name: 'system' }, now: NOW, suppressionId,
      });
      expect(updated).toMatchObject({ suppression_id: suppressionId, resolved_by: 'system' });
      expect((await trail(finding.id)).audit[0]).toMatchObject({ actor_type: 'system', details: { suppression_id: suppressionId } });
    });

    it('refuses a change made to a stale version and changes nothing', async () => {
      const finding = await newFinding();
      await expect(triage.transition({ findingId: finding.id, to: 'in_review', actor, now: NOW, expectedVersion: 2 })).rejects.toBeInstanceOf(StaleVersionError);
      expect(await trail(finding.id)).toMatchObject({ finding: { version: 1, state: 'new' }, events: { length: 1 }, audit: [] });
      await triage.transition({ findingId: finding.id, to: 'in_review', actor, now: NOW, expectedVersion: 1 });
      await expect(triage.assign({ findingId: finding.id, assigneeId: users.rita!, actor, now: NOW, expectedVersion: 1 })).rejects.toThrow(/is at version 2, not 1/u);
    });

    it('answers NotFoundError for an unknown finding', async () => {
      await expect(triage.transition({ findingId: randomUUID(), to: 'in_review', actor, now: NOW })).rejects.toBeInstanceOf(NotFoundError);
      await expect(triage.comment({ findingId: randomUUID(), body: 'hi', actor })).rejects.toBeInstanceOf(NotFoundError);
    });

    it('leaves nothing behind when the surrounding transaction rolls back', async () => {
      const finding = await newFinding();
      const failure = new Error('the caller failed after the transition');
      await expect(
        database.db.transaction().execute(async (trx) => {
          await transitionFinding(trx, { findingId: finding.id, to: 'resolved', resolution: 'false_positive', comment: 'Nope.', actor, now: NOW });
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(await trail(finding.id)).toMatchObject({ finding: { state: 'new', version: 1 }, events: { length: 1 }, audit: [], comments: [] });
    });

    it('assigns to an active admin or reviewer with one event and one audit entry, and unassigns', async () => {
      const finding = await newFinding();
      const assigned = await triage.assign({ findingId: finding.id, assigneeId: users.ada!, actor, now: NOW });
      expect(assigned).toMatchObject({ assignee_id: users.ada, version: 2 });
      const again = await triage.assign({ findingId: finding.id, assigneeId: users.ada!, actor, now: NOW });
      expect(again.version).toBe(2);
      const cleared = await triage.assign({ findingId: finding.id, assigneeId: null, actor, now: NOW });
      expect(cleared).toMatchObject({ assignee_id: null, version: 3 });
      const after = await trail(finding.id);
      expect(after.events.map((event) => [event.finding_version, (event.payload as { assigneeId: string | null }).assigneeId])).toEqual([
        [1, null],
        [2, users.ada],
        [3, null],
      ]);
      expect(after.audit.map((entry) => [entry.action, entry.details])).toEqual([
        ['finding.assigned', { from: null, to: users.ada, version: 2 }],
        ['finding.assigned', { from: users.ada, to: null, version: 3 }],
      ]);
    });

    for (const [who, reason] of [['otto', /is an auditor/u], ['gone', /is deactivated/u], ['nobody', /no user .* exists/u]] as const) {
      it(`refuses to assign to ${who}`, async () => {
        const finding = await newFinding();
        const assigneeId = users[who] ?? randomUUID();
        const error: unknown = await triage.assign({ findingId: finding.id, assigneeId, actor, now: NOW }).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(InputValidationError);
        expect((error as InputValidationError).issues[0]?.path).toBe('assignee_id');
        expect((error as Error).message).toMatch(reason);
        expect((await trail(finding.id)).finding.version).toBe(1);
      });
    }

    it('adds comments without a new version or event, each audited', async () => {
      const finding = await newFinding();
      const comment = await triage.comment({ findingId: finding.id, body: ' Asked the owner to delete it. ', actor, ip: '127.0.0.1' });
      expect(comment).toMatchObject({ body: 'Asked the owner to delete it.', author_name: 'rita' });
      await expect(triage.comment({ findingId: finding.id, body: ' \n ', actor })).rejects.toThrow(/the comment is empty/u);
      await expect(triage.comment({ findingId: finding.id, body: 'x'.repeat(10_001), actor })).rejects.toThrow(/at most 10000 are kept/u);
      const after = await trail(finding.id);
      expect(after).toMatchObject({ finding: { version: 1 }, events: { length: 1 }, comments: { length: 1 } });
      expect(after.audit).toMatchObject([{ action: 'finding.commented', ip: '127.0.0.1', details: { comment_id: comment.id } }]);
    });
  });
}
