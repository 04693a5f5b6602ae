import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../server/api/api-routes.js';
import type { Role } from '../store/schema.js';
import { startApiHarness, type ApiClient, type ApiHarness } from './support/api-harness.js';
import { seedFinding } from './support/seed-findings.js';

// What each role may do, written out here from the issue, not read from the code, so a change to
// the code's grants fails this test: admin everything; reviewer triage; auditor read and the audit
// log, no changes; siem the event feed and (masked) findings; every role reads coverage
// (a SIEM must know when "no findings" means "not read").
const MAY: Record<Role, readonly string[]> = {
  admin: ['*'],
  reviewer: ['accounts:read', 'scans:read', 'scans:write', 'findings:read', 'findings:triage', 'evidence:reveal', 'suppressions:write', 'rules:read', 'events:read', 'coverage:read', 'session:self'],
  auditor: ['accounts:read', 'scans:read', 'findings:read', 'rules:read', 'audit:read', 'events:read', 'sinks:read', 'coverage:read', 'session:self'],
  siem: ['findings:read', 'events:read', 'coverage:read', 'session:self'],
};
const ROLES = Object.keys(MAY) as Role[];

// The permission of each route the review UI's user, policy, summary and history views use, written out.
const UI_ROUTES: Record<string, string> = {
  'get /users': 'users:admin',
  'get /users/{id}': 'users:admin',
  'post /users': 'users:admin',
  'patch /users/{id}': 'users:admin',
  'post /users/{id}/password': 'users:admin',
  'get /policy': 'rules:read',
  'get /findings/summary': 'findings:read',
  'get /accounts/{id}/history': 'accounts:read',
  'post /findings/{id}/owner-notice': 'findings:triage',
  'post /findings/{id}/notify-owner': 'findings:triage',
  'get /findings/{id}/presence': 'findings:read',
  'get /coverage': 'coverage:read',
  'get /coverage/gaps': 'coverage:read',
};

const routes = apiRoutes({ sessionMaxAgeMs: 3_600_000 });

function concretePath(path: string): string {
  return `/api/v1${path.replace(/\{\w+\}/gu, () => randomUUID())}`;
}

describe('the role × route matrix', () => {
  let harness: ApiHarness;
  const clients = new Map<Role, ApiClient>();

  beforeAll(async () => {
    harness = await startApiHarness();
    for (const role of ROLES) clients.set(role, await harness.as(role));
  });
  afterAll(async () => {
    await harness.close();
  });

  it('covers every route, each with one permission', () => {
    expect(routes.length).toBeGreaterThan(10);
    for (const route of routes) expect(route.permission).toMatch(/^(public|[a-z]+:[a-z]+)$/u);
  });

  it('guards user management, the policy, the findings summary and account history with the permissions written out here', () => {
    const found = Object.fromEntries(
      routes.filter((route) => `${route.method} ${route.path}` in UI_ROUTES).map((route) => [`${route.method} ${route.path}`, route.permission]),
    );
    expect(found).toEqual(UI_ROUTES);
    // Only admins manage users: no other role is granted users:admin.
    expect(ROLES.filter((role) => MAY[role].includes('users:admin'))).toEqual([]);
  });

  it('lets each role reach exactly the routes its permissions allow, and refuses the rest with 403', async () => {
    const mismatches: string[] = [];
    for (const route of routes.filter((candidate) => candidate.permission !== 'public' && candidate.path !== '/auth/logout')) {
      for (const role of ROLES) {
        const isAllowed = MAY[role].includes('*') || MAY[role].includes(route.permission);
        const reply = await clients.get(role)!.request(route.method, concretePath(route.path), route.method === 'get' ? {} : { body: {} });
        const wasAllowed = reply.status !== 403 && reply.status !== 401;
        if (isAllowed !== wasAllowed) mismatches.push(`${role} ${route.method.toUpperCase()} ${route.path}: ${reply.status} ${JSON.stringify(reply.body).slice(0, 160)}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('never lets the auditor or the siem role change anything', () => {
    const changing = routes.filter((route) => route.method !== 'get' && route.permission !== 'public' && route.permission !== 'session:self');
    for (const role of ['auditor', 'siem'] as const) {
      const granted = changing.filter((route) => MAY[role].includes(route.permission)).map((route) => `${route.method} ${route.path}`);
      expect(granted, `${role} may change`).toEqual([]);
    }
  });

  it('answers every protected route 401 without credentials', async () => {
    const anonymous = harness.anonymous();
    const open: string[] = [];
    for (const route of routes.filter((candidate) => candidate.permission !== 'public')) {
      const reply = await anonymous.request(route.method, concretePath(route.path), route.method === 'get' ? {} : { body: {} });
      if (reply.status !== 401) open.push(`${route.method.toUpperCase()} ${route.path}: ${reply.status}`);
    }
    expect(open).toEqual([]);
  });

  it('refuses every unsafe route to a cookie session without its CSRF token', async () => {
    const user = await harness.createUser('admin');
    const login = await fetch(`${harness.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: user.username, password: user.password }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const unprotected: string[] = [];
    for (const route of routes.filter((candidate) => candidate.method !== 'get' && candidate.permission !== 'public')) {
      const response = await fetch(`${harness.url}${concretePath(route.path)}`, {
        method: route.method.toUpperCase(),
        headers: { cookie, 'content-type': 'application/json' },
        body: '{}',
      });
      if (response.status !== 403) unprotected.push(`${route.method.toUpperCase()} ${route.path}: ${response.status}`);
    }
    expect(unprotected).toEqual([]);
  });

  it('shows the siem role a finding without comments, audit trail or owner name, which a reviewer sees', async () => {
    const finding = await seedFinding(harness.db);
    const reviewer = clients.get('reviewer')!;
    expect((await reviewer.post(`/api/v1/findings/${finding.id}/comments`, { body: 'the key AKIA… is live, rotate it' })).status).toBe(201);
    expect((await reviewer.post(`/api/v1/findings/${finding.id}/reveal`)).status).toBe(200);
    const seenByReviewer = (await reviewer.get(`/api/v1/findings/${finding.id}`)).body;
    expect(seenByReviewer.comments).toHaveLength(1);
    expect(seenByReviewer.account.owner_name).toMatch(/^Person /u);
    const seenBySiem = (await clients.get('siem')!.get(`/api/v1/findings/${finding.id}`)).body;
    expect(seenBySiem).toMatchObject({ comments: [], audit: [], account: { owner_name: null } });
    expect(JSON.stringify(seenBySiem)).not.toContain('STRICTLY CONFIDENTIAL');
  });
});
