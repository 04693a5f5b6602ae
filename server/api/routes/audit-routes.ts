import { listAuditEntries } from '../../../store/repositories/list-audit-entries.js';
import { defineRoute, type AnyApiRoute } from '../api-route.js';
import { auditListReply, auditQuery, toAuditEntryReply } from '../schemas/audit-schemas.js';

/** The audit log, read-only: who did what to what, filtered and paged newest first. */
export function auditRoutes(): AnyApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/audit',
      operationId: 'listAuditEntries',
      summary: 'Audit entries, newest first, filtered by actor, action prefix, target and time',
      tag: 'audit',
      permission: 'audit:read',
      query: auditQuery,
      response: auditListReply,
      async handle({ query, services }) {
        // One row more than the page tells whether there is a next page.
        const rows = await listAuditEntries(services.db, {
          ...(query.actor_type === undefined ? {} : { actorType: query.actor_type }),
          ...(query.actor_id === undefined ? {} : { actorId: query.actor_id }),
          ...(query.action === undefined ? {} : { actionPrefix: query.action }),
          ...(query.target_type === undefined ? {} : { targetType: query.target_type }),
          ...(query.target_id === undefined ? {} : { targetId: query.target_id }),
          ...(query.from === undefined ? {} : { from: new Date(query.from) }),
          ...(query.to === undefined ? {} : { to: new Date(query.to) }),
          ...(query.cursor === undefined ? {} : { beforeId: Number(query.cursor) }),
          limit: query.limit + 1,
        });
        const page = rows.slice(0, query.limit);
        const last = page.at(-1);
        return { items: page.map(toAuditEntryReply), next_cursor: rows.length > query.limit && last ? String(last.id) : null };
      },
    }),
  ];
}
