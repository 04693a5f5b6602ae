import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsRoutes } from '../server/api/routes/events-routes.js';
import { peopleRoutes } from '../server/api/routes/people-routes.js';
import { suppressionsRoutes } from '../server/api/routes/suppressions-routes.js';
import { erasureReply, personExportReply } from '../server/api/schemas/people-schemas.js';
import { FindingEventsRepository, toOutboxEvent } from '../store/repositories/finding-events-repository.js';
import { personIdentifierSha256 } from '../store/repositories/person-data-repository.js';
import type { Finding } from '../store/schema.js';
import { startApiHarness, type ApiClient, type ApiHarness } from './support/api-harness.js';
import { everyRowAsText } from './support/every-row-as-text.js';
import { readProblem } from './support/read-problem.js';
import { seedAccount, seedFinding } from './support/seed-findings.js';

describe('data-subject requests API', () => {
  let api: ApiHarness;
  let admin: ApiClient;
  let reviewer: ApiClient;
  let auditor: ApiClient;
  let siem: ApiClient;

  beforeAll(async () => {
    api = await startApiHarness({ routes: [...peopleRoutes(), ...suppressionsRoutes(), ...eventsRoutes] });
    [admin, reviewer, auditor, siem] = await Promise.all([api.as('admin'), api.as('reviewer'), api.as('auditor'), api.as('siem')]);
  });
  afterAll(async () => api.close());

  /** A person with an account, two findings (one revealed in the audit log, one commented on) on posts naming them. */
  async function seedPerson(tag: string) {
    const email = `${tag}.kowalska@corp.example`;
    const handle = `@${tag}_kowalska@social.example`;
    const employeeId = `EMP-${tag}`;
    const account = await seedAccount(api.db, { handle, owner: { employeeId, name: `${tag} Kowalska`, email, department: 'Sales' } });
    const findings: Finding[] = [];
    for (const text of ['POUFNE', 'KONFIDENCJALNE']) {
      findings.push(await seedFinding(api.db, { account, evidence: { source: 'text', text }, postText: `${text} — write to ${email}` }));
    }
    await api.db.insertInto('finding_comments').values({ finding_id: findings[0]!.id, author_type: 'user', author_id: 'r', author_name: 'Reviewer', body: `${tag} Kowalska was told` }).execute();
    await api.db.insertInto('audit_log').values({ actor_type: 'user', actor_id: 'r', action: 'finding.reveal', target_type: 'finding', target_id: findings[1]!.id }).execute();
    return { email, handle, employeeId, name: `${tag} Kowalska`, account, findings };
  }

  it('exports everything stored about the person, evidence unmasked, and audits the export without the data', async () => {
    const person = await seedPerson('anna');
    const reply = await admin.post('/api/v1/people/export', { email: person.email.toUpperCase() });
    expect(reply.status).toBe(200);
    const exported = personExportReply.parse(reply.body);
    const sha256 = personIdentifierSha256({ kind: 'email', value: person.email });
    expect(exported.identifier).toEqual({ kind: 'email', sha256 });
    expect(exported.accounts).toEqual([expect.objectContaining({ id: person.account.id, handle: person.handle, owner_email: person.email, owner_name: person.name })]);
    expect(exported.posts.map((post) => post.text)).toEqual([`POUFNE — write to ${person.email}`, `KONFIDENCJALNE — write to ${person.email}`]);
    expect(exported.findings.map((finding) => finding.evidence.text)).toEqual(['POUFNE', 'KONFIDENCJALNE']);
    expect(exported.comments.map((comment) => comment.body)).toEqual([`anna Kowalska was told`]);
    expect(exported.audit.map((entry) => [entry.action, entry.target_id])).toEqual([['finding.reveal', person.findings[1]!.id]]);
    expect(exported.audit[0]).toEqual({ occurred_at: expect.any(String), actor_type: 'user', action: 'finding.reveal', target_type: 'finding', target_id: person.findings[1]!.id });

    const audit = await api.db.selectFrom('audit_log').selectAll().where('action', '=', 'person.exported').where('target_id', '=', sha256).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_type: 'api_key', actor_id: admin.actor.id, target_type: 'person' });
    expect(audit[0]?.details).toMatchObject({ identifier_kind: 'email', accounts: 1, posts: 2, findings: 2, comments: 1, audit_entries: 1 });
    expect(JSON.stringify(audit[0]).toLowerCase()).not.toContain(person.email);
  });

  it('takes the identifier from the query too, and needs exactly one', async () => {
    const person = await seedPerson('bea');
    const byQuery = await admin.post(`/api/v1/people/export?employee_id=${encodeURIComponent(person.employeeId)}`);
    expect([byQuery.status, personExportReply.parse(byQuery.body).accounts.length]).toEqual([200, 1]);
    const both = readProblem(await admin.post('/api/v1/people/export', { email: person.email, employee_id: person.employeeId }));
    expect([both.status, both.issues?.[0]?.message]).toEqual([400, expect.stringContaining('exactly one') as string]);
    expect((await admin.post('/api/v1/people/export', {})).status).toBe(400);
    expect((await admin.post('/api/v1/people/export', { name: person.name })).status).toBe(400);
  });

  it('answers 404 for someone with no account, without repeating the identifier', async () => {
    const reply = await admin.post('/api/v1/people/export', { email: 'nobody.here@corp.example' });
    expect(reply.status).toBe(404);
    expect(JSON.stringify(reply.body)).not.toContain('nobody.here');
    expect((await admin.post('/api/v1/people/erase', { email: 'nobody.here@corp.example', confirm: true })).status).toBe(404);
  });

  it('is for admins only', async () => {
    const person = await seedPerson('cara');
    for (const caller of [reviewer, auditor]) {
      expect((await caller.post('/api/v1/people/export', { email: person.email })).status).toBe(403);
      expect((await caller.post('/api/v1/people/erase', { email: person.email, confirm: true })).status).toBe(403);
    }
  });

  it('erases only with confirm: true, leaves no row naming the person but others intact, and the SIEM sees each finding purged', async () => {
    const person = await seedPerson('dora');
    const other = await seedPerson('ewa');
    // A suppression made from the person's finding, bound to their account: it resolves both their
    // findings (2 comments, 2 events, 2 audit entries more).
    expect((await admin.post(`/api/v1/findings/${person.findings[0]!.id}/suppress`, { scope: 'rule_account', reason: 'fp', comment: 'template' })).status).toBe(201);
    const lastSeq = (await api.db.selectFrom('finding_events').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirstOrThrow()).seq;

    const unconfirmed = readProblem(await admin.post('/api/v1/people/erase', { email: person.email }));
    expect([unconfirmed.status, unconfirmed.issues?.[0]?.path]).toEqual([400, 'body.confirm']);
    expect(await api.db.selectFrom('accounts').select('id').where('id', '=', person.account.id).execute()).toHaveLength(1);

    const reply = await admin.post('/api/v1/people/erase', { email: person.email, confirm: true });
    expect(reply.status).toBe(200);
    const erased = erasureReply.parse(reply.body);
    expect(erased).toEqual({
      identifier: { kind: 'email', sha256: personIdentifierSha256({ kind: 'email', value: person.email }) },
      erased: { accounts: 1, posts: 2, findings: 2, comments: 3, events: 4, suppressions: 1, audit_entries: 3, failed_jobs: 0, stored_replies: 0 },
    });

    const needles = [person.email, person.handle, person.name, person.employeeId].map((needle) => needle.toLowerCase());
    expect((await everyRowAsText(api.db)).filter(({ row }) => needles.some((needle) => row.includes(needle)))).toEqual([]);

    const events = (await new FindingEventsRepository(api.db).listAfter(lastSeq, 100)).map(toOutboxEvent);
    expect(events.map((event) => [event.type, event.findingId, 'purgeReason' in event.payload ? event.payload.purgeReason : undefined]).sort()).toEqual(
      person.findings.map((finding) => ['finding.purged', finding.id, 'erasure']).sort(),
    );
    // What a SIEM polling the feed reads: the purges, and of the person's findings nothing else.
    const feed = await siem.get('/api/v1/events?limit=1000');
    expect(feed.status).toBe(200);
    const ofPerson = (feed.body.events as Array<{ type: string; finding: { id: string } }>).filter((event) => person.findings.some((finding) => finding.id === event.finding.id));
    expect(ofPerson.map((event) => event.type)).toEqual(['finding.purged', 'finding.purged']);
    expect(needles.filter((needle) => JSON.stringify(feed.body).toLowerCase().includes(needle))).toEqual([]);

    const audit = await api.db.selectFrom('audit_log').selectAll().where('action', '=', 'person.erased').execute();
    expect(audit.map((entry) => [entry.actor_id, entry.target_id])).toEqual([[admin.actor.id, erased.identifier.sha256]]);
    expect(audit[0]?.details).toMatchObject({ accounts: 1, findings: 2, events: 4 });

    const kept = personExportReply.parse((await admin.post('/api/v1/people/export', { email: other.email })).body);
    expect([kept.accounts.length, kept.posts.length, kept.findings.length, kept.comments.length, kept.audit.length]).toEqual([1, 2, 2, 1, 1]);
    expect((await admin.post('/api/v1/people/erase', { email: person.email, confirm: true })).status).toBe(404);
  });
});
