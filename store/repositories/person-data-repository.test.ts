import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturingLogger } from '../../test/support/capturing-logger.js';
import { everyRowAsText } from '../../test/support/every-row-as-text.js';
import { seedAccount, seedFinding } from '../../test/support/seed-findings.js';
import { storeTargets } from '../../test/support/store-targets.js';
import { migrateToLatest } from '../migrate-to-latest.js';
import type { Database } from '../open-database.js';
import type { FindingOutboxEvent } from '../finding-event-payload.js';
import type { Account, Finding, Schema } from '../schema.js';
import { CoverageRepository } from './coverage-repository.js';
import { FindingEventsRepository, toOutboxEvent } from './finding-events-repository.js';
import { PersonDataRepository, personIdentifierSha256 } from './person-data-repository.js';
import { SuppressionsRepository } from './suppressions-repository.js';

const ADMIN = { actorType: 'user' as const, actorId: 'admin-1', ip: '127.0.0.1' };

/**
 * A person with two accounts (one registered in upper case), posts, findings, a comment, audit
 * entries and a closed coverage gap (two outbox events naming the handle); plus traces elsewhere.
 */
async function seedPerson(db: Kysely<Schema>, tag: string) {
  const email = `${tag}.doe@corp.example`;
  const employeeId = `EMP-${tag.toUpperCase()}`;
  const handle = `@${tag}_doe@social.example`;
  const owner = { employeeId, name: `${tag} Doe`, email, department: 'Finance' };
  const first = await seedAccount(db, { handle, owner });
  const second = await seedAccount(db, { platform: 'telegram', handle: `${tag}_doe_tg`, owner: { ...owner, email: email.toUpperCase(), employeeId: employeeId.toLowerCase() } });
  const findings: Finding[] = [];
  for (const account of [first, second]) {
    findings.push(await seedFinding(db, { account, postText: `ping ${email} or ${handle}: STRICTLY CONFIDENTIAL`, explain: `context ("${handle}")` }));
  }
  await db.insertInto('media').values({ post_id: findings[0]!.post_id, position: 0, source_url: `https://files.example/${tag}.jpg`, ocr_text: `badge of ${owner.name}`, metadata: JSON.stringify({ gps: [50.45, 30.52] }) }).execute();
  await db.insertInto('finding_comments').values({ finding_id: findings[0]!.id, author_type: 'user', author_id: 'rev-1', author_name: 'Reviewer', body: `asked ${owner.name} to delete it` }).execute();
  await db.insertInto('audit_log').values({ actor_type: 'user', actor_id: 'admin-1', action: 'account.create', target_type: 'account', target_id: first.id, details: JSON.stringify({ handle }), ip: '10.9.8.7' }).execute();
  await db.insertInto('audit_log').values({ actor_type: 'user', actor_id: 'rev-1', action: 'finding.reveal', target_type: 'finding', target_id: findings[1]!.id }).execute();
  const gap = await db.transaction().execute(async (trx) => {
    const { gap: opened } = await CoverageRepository.recordFailure(trx, first, { reason: 'login_wall', error: `${handle} needs a login`, at: new Date('2030-01-01T00:00:00Z') });
    await CoverageRepository.recordRestored(trx, first, { at: new Date('2030-01-02T00:00:00Z'), publishedAt: [], uncoveredUntil: null, coveredSince: new Date('2030-01-01T00:00:00Z') });
    return opened;
  });
  const run = await db
    .insertInto('scan_runs')
    .values({ trigger: 'manual', errors: JSON.stringify([{ at: '2030-01-01T00:00:00Z', message: `${handle} blocked`, accountId: first.id }]) })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('failed_jobs')
    .values({ stage: 'collect', job_key: `collect_${tag}`, payload: JSON.stringify({ scanRunId: run.id, accountId: first.id }), error: `${handle} gone`, error_kind: 'permanent', attempts: 1 })
    .execute();
  await db
    .insertInto('idempotency_keys')
    .values({ actor: 'user:admin-1', key: `k-${tag}`, method: 'post', path: '/api/v1/accounts', request_sha256: 'x', status_code: 201, response_body: JSON.stringify({ id: first.id, handle }) })
    .execute();
  return { email, employeeId, handle, name: owner.name, accounts: [first, second], findings, gapId: gap.id, scanRunId: run.id };
}

for (const target of storeTargets()) {
  describe.skipIf(!target.isAvailable)(`person data requests on ${target.name}`, () => {
    const { log } = capturingLogger('warn');
    let database: Database;
    let dispose: () => Promise<void>;
    let people: PersonDataRepository;

    beforeAll(async () => {
      ({ database, dispose } = await target.open(log));
      await migrateToLatest(database.db, log);
      people = new PersonDataRepository(database.db);
    });
    afterAll(async () => dispose());

    const lastAudit = () => database.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();

    it('exports every account of the owner, matched whatever the case, with posts, unmasked findings, comments and audit entries', async () => {
      const person = await seedPerson(database.db, 'exp');
      const bystander = await seedFinding(database.db);

      const exported = await people.export({ kind: 'email', value: ` ${person.email.toUpperCase()} ` }, ADMIN);

      expect(exported?.accounts.map((account) => account.id).sort()).toEqual(person.accounts.map((account: Account) => account.id).sort());
      expect(exported?.posts).toHaveLength(2);
      expect(exported?.posts.map((post) => post.text)).toEqual([expect.stringContaining(person.email), expect.stringContaining(person.email)]);
      expect(exported?.posts.flatMap((post) => post.media.map((media) => media.ocr_text))).toEqual([`badge of ${person.name}`]);
      expect(exported?.findings.map((finding) => finding.evidence.text)).toEqual(['STRICTLY CONFIDENTIAL', 'STRICTLY CONFIDENTIAL']);
      expect(exported?.comments.map((comment) => comment.body)).toEqual([`asked ${person.name} to delete it`]);
      expect(exported?.audit.map((entry) => entry.action).sort()).toEqual(['account.create', 'finding.reveal']);
      // Who on the staff did it, and from where, is not the person's data: action, time and target are.
      expect(exported?.audit.map((entry) => Object.keys(entry).sort())).toEqual([
        ['action', 'actor_type', 'occurred_at', 'target_id', 'target_type'],
        ['action', 'actor_type', 'occurred_at', 'target_id', 'target_type'],
      ]);
      expect(JSON.stringify(exported?.audit)).not.toMatch(/admin-1|rev-1|10\.9\.8\.7/u);
      expect(JSON.stringify(exported)).not.toContain(bystander.id);

      const audit = await lastAudit();
      expect(audit).toMatchObject({ action: 'person.exported', actor_type: 'user', actor_id: 'admin-1', target_type: 'person', ip: '127.0.0.1' });
      expect(audit.details).toEqual({
        identifier_kind: 'email',
        identifier_sha256: personIdentifierSha256({ kind: 'email', value: person.email }),
        accounts: 2,
        posts: 2,
        findings: 2,
        comments: 1,
        audit_entries: 2,
      });
      expect(JSON.stringify(audit).toLowerCase()).not.toContain(person.email);
    });

    it('finds the person by employee id too, and answers undefined (auditing nothing) for nobody', async () => {
      const person = await seedPerson(database.db, 'emp');
      expect((await people.export({ kind: 'employee_id', value: person.employeeId.toLowerCase() }, ADMIN))?.accounts).toHaveLength(2);
      const before = await lastAudit();
      expect(await people.export({ kind: 'email', value: 'nobody@corp.example' }, ADMIN)).toBeUndefined();
      expect(await people.erase({ kind: 'employee_id', value: 'EMP-NOBODY' }, ADMIN, new Date())).toBeUndefined();
      expect((await lastAudit()).id).toBe(before.id);
    });

    it('finds a person whose employee id PostgreSQL and JavaScript lower-case differently, typed exactly', async () => {
      const account = await seedAccount(database.db, { owner: { employeeId: 'ΓΙΏΡΓΟΣ-3', name: 'Γιώργος', email: 'İLKER@corp.example' } });
      expect((await people.export({ kind: 'employee_id', value: 'ΓΙΏΡΓΟΣ-3' }, ADMIN))?.accounts.map((found) => found.id)).toEqual([account.id]);
      expect((await people.export({ kind: 'email', value: 'İLKER@corp.example' }, ADMIN))?.accounts.map((found) => found.id)).toEqual([account.id]);
    });

    it('erases the person so that no row of any table names them, tells the SIEM of each finding, and leaves everyone else alone', async () => {
      const person = await seedPerson(database.db, 'era');
      const other = await seedPerson(database.db, 'keep');
      const [own] = person.findings;
      const suppress = (finding: Finding, scope: 'rule_account' | 'evidence') =>
        database.db.transaction().execute((trx) => SuppressionsRepository.createFromFinding(trx, finding, { scope, reason: 'fp', createdBy: 'user:rev-1', expiresAt: null, now: new Date() }));
      const bound = await suppress(own!, 'rule_account');
      const wide = await suppress(own!, 'evidence');
      const lastSeq = (await database.db.selectFrom('finding_events').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirstOrThrow()).seq;
      const now = new Date('2031-01-01T00:00:00Z');

      const replies = (await database.db.selectFrom('idempotency_keys').select('key').execute()).length;

      const counts = await people.erase({ kind: 'email', value: person.email }, ADMIN, now);

      // Events: the two findings' and the two of the coverage gap, which name the account.
      expect(counts).toEqual({ accounts: 2, posts: 2, findings: 2, comments: 1, events: 4, suppressions: 1, auditEntries: 2, failedJobs: 1, storedReplies: replies });
      // Every kept reply goes, not only those naming an account id: a reply may hold the person's
      // data in any form (a comment body, a search), and they are only a 24-hour retry cache.
      expect(replies).toBeGreaterThanOrEqual(2);
      expect(await database.db.selectFrom('idempotency_keys').select('key').execute()).toEqual([]);
      const naming = (await everyRowAsText(database.db)).filter(({ row }) =>
        [person.email, person.handle, person.name, person.employeeId, person.handle.slice(1, 8)].some((needle) => row.includes(needle.toLowerCase())),
      );
      expect(naming).toEqual([]);

      // The SIEM: one finding.purged event per finding, reason erasure, naming no one.
      const rows = (await new FindingEventsRepository(database.db).listAfter(lastSeq, 100)).map(toOutboxEvent);
      const events = rows.filter((event): event is FindingOutboxEvent => event.type === 'finding.purged');
      expect(events).toHaveLength(rows.length);
      expect(events.map((event) => [event.type, event.findingId, event.payload.purgeReason]).sort()).toEqual(
        person.findings.map((finding) => ['finding.purged', finding.id, 'erasure']).sort(),
      );
      expect(events.map((event) => [event.findingVersion, event.payload.postUrl, event.payload.account.ownerEmployeeId, event.payload.explain])).toEqual([
        [2, null, null, null],
        [2, null, null, null],
      ]);
      const remaining = await database.db.selectFrom('finding_events').select(['finding_id', 'type']).where('finding_id', 'in', person.findings.map((finding) => finding.id)).execute();
      expect(remaining.map((event) => event.type)).toEqual(['finding.purged', 'finding.purged']);

      expect(await database.db.selectFrom('suppressions').select(['id', 'source_finding_id']).where('id', 'in', [bound.id, wide.id]).execute()).toEqual([{ id: wide.id, source_finding_id: null }]);
      const audit = await lastAudit();
      expect(audit).toMatchObject({ action: 'person.erased', target_type: 'person', target_id: personIdentifierSha256({ kind: 'email', value: person.email }) });
      expect(audit.details).toMatchObject({ accounts: 2, findings: 2, events: 4, audit_entries: 2 });
      expect(await database.db.selectFrom('finding_events').select('id').where('finding_id', '=', person.gapId).execute()).toEqual([]);

      // Everyone else is as they were.
      const kept = await people.export({ kind: 'email', value: other.email }, ADMIN);
      expect([kept?.accounts.length, kept?.posts.length, kept?.findings.length, kept?.comments.length, kept?.audit.length]).toEqual([2, 2, 2, 1, 2]);
      expect(await database.db.selectFrom('finding_events').select('id').where('finding_id', 'in', other.findings.map((finding) => finding.id)).execute()).toHaveLength(2);
      expect(await database.db.selectFrom('finding_events').select('type').where('finding_id', '=', other.gapId).orderBy('seq').execute()).toEqual([
        { type: 'coverage.gap' },
        { type: 'coverage.restored' },
      ]);
      const otherRun = await database.db.selectFrom('scan_runs').select('errors').where('id', '=', other.scanRunId).executeTakeFirstOrThrow();
      expect(otherRun.errors).toHaveLength(1);
      expect(await database.db.selectFrom('failed_jobs').select('id').where('job_key', '=', 'collect_keep').execute()).toHaveLength(1);
    });

    it('erases everything or nothing: a failure at the last step leaves the person whole', async () => {
      const person = await seedPerson(database.db, 'atom');
      // The accounts are deleted last; a trigger refusing that makes the whole erasure fail.
      await sql`create function refuse_account_delete() returns trigger language plpgsql as $$
        begin raise exception 'refused by the test'; end $$`.execute(database.db);
      await sql`create trigger refuse_account_delete before delete on accounts for each row execute function refuse_account_delete()`.execute(database.db);
      try {
        await expect(people.erase({ kind: 'email', value: person.email }, ADMIN, new Date())).rejects.toThrow(/refused by the test/u);
      } finally {
        await sql`drop trigger refuse_account_delete on accounts`.execute(database.db);
        await sql`drop function refuse_account_delete()`.execute(database.db);
      }
      const exported = await people.export({ kind: 'email', value: person.email }, ADMIN);
      // Accounts come oldest first, and both were made in one transaction (one created_at): which is first is up to their ids.
      expect(exported?.accounts.map((account) => account.handle)).toContain(person.handle);
      expect([exported?.accounts.length, exported?.findings.length, exported?.audit.length]).toEqual([2, 2, 2]);
      const events = await database.db.selectFrom('finding_events').select('type').where('finding_id', 'in', person.findings.map((finding) => finding.id)).execute();
      expect(events.map((event) => event.type)).toEqual(['finding.created', 'finding.created']);
      expect(await database.db.selectFrom('finding_events').select('id').where('finding_id', '=', person.gapId).execute()).toHaveLength(2);
    });
  });
}
