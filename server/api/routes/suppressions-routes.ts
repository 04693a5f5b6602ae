import { z } from 'zod';
import { InputValidationError, NotFoundError } from '../../../core/errors.js';
import { AuditLogRepository } from '../../../store/repositories/audit-log-repository.js';
import { transitionFinding, type TriageActor } from '../../../store/repositories/finding-triage-repository.js';
import { SuppressionsRepository } from '../../../store/repositories/suppressions-repository.js';
import { actorReference, auditActor, type Actor } from '../actor.js';
import { defineRoute, type AnyApiRoute } from '../api-route.js';
import { ForbiddenError } from '../http-errors.js';
import {
  parseSuppressionCursor,
  suppressBody,
  suppressionCursor,
  suppressionListReply,
  suppressionReply,
  suppressionsQuery,
  suppressReply,
  toSuppressionReply,
} from '../schemas/suppressions-schemas.js';

const idParams = z.strictObject({ id: z.uuid() });

/**
 * Suppressions: made from a finding judged harmless, they resolve it and every open finding they
 * cover in one transaction, and keep analysis from raising matching findings again until they are
 * revoked or expire. Creating and revoking are audited.
 */
export function suppressionsRoutes(): AnyApiRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/findings/{id}/suppress',
      operationId: 'suppressFinding',
      summary: 'Suppress what a finding matched; resolves it and every other open finding the suppression covers',
      tag: 'suppressions',
      permission: 'suppressions:write',
      params: idParams,
      body: suppressBody,
      response: suppressReply,
      status: 201,
      async handle({ params, body, actor, services, ip }) {
        // Both reach every account: one silences a rule, the other any finding quoting this evidence.
        if ((body.scope === 'rule' || body.scope === 'evidence') && actor.role !== 'admin') {
          throw new ForbiddenError(
            `A suppression of scope ${body.scope} reaches every account, so only admins may create one: ` +
              'ask an admin, or suppress it on this account only (scope rule_account or evidence_account).',
          );
        }
        const now = services.now();
        const expiresAt = body.expires_at === undefined ? null : new Date(body.expires_at);
        if (expiresAt !== null && expiresAt <= now) {
          throw new InputValidationError('the request body', [{ path: 'body.expires_at', message: `must be in the future (now is ${now.toISOString()})` }]);
        }
        return services.db.transaction().execute(async (trx) => {
          // Not locked here: transitionFinding locks each finding it resolves, in one order for all.
          const finding = await trx.selectFrom('findings').selectAll().where('id', '=', params.id).executeTakeFirst();
          if (!finding) throw new NotFoundError('finding', params.id);
          const suppression = await SuppressionsRepository.createFromFinding(trx, finding, {
            scope: body.scope,
            reason: body.reason,
            createdBy: actorReference(actor),
            expiresAt,
            now,
          });
          const covered = await SuppressionsRepository.openFindingsCovered(trx, suppression);
          // The source finding first, then the others oldest first.
          const ordered = covered.includes(finding.id) ? [finding.id, ...covered.filter((id) => id !== finding.id)] : covered;
          for (const findingId of ordered) {
            await transitionFinding(trx, {
              findingId,
              to: 'resolved',
              resolution: body.resolution,
              comment: body.comment,
              // Only an accepted risk lapses (the finding reopens); other resolutions never expire.
              expiresAt: body.resolution === 'accepted_risk' ? (expiresAt ?? undefined) : undefined,
              actor: triageActor(actor),
              now,
              suppressionId: suppression.id,
              ip,
            });
          }
          await new AuditLogRepository(trx).append({
            ...auditActor(actor),
            action: 'suppression.created',
            targetType: 'suppression',
            targetId: suppression.id,
            details: {
              scope: suppression.scope,
              rule_id: suppression.rule_id,
              account_id: suppression.account_id,
              evidence_sha256: suppression.evidence_sha256,
              source_finding_id: finding.id,
              resolution: body.resolution,
              expires_at: suppression.expires_at?.toISOString() ?? null,
              resolved_findings: ordered.length,
            },
            ...(ip === undefined ? {} : { ip }),
          });
          return { suppression: toSuppressionReply(suppression, now), resolved_finding_ids: ordered };
        });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/suppressions',
      operationId: 'listSuppressions',
      summary: 'Suppressions, newest first, filtered by status, scope, rule or account',
      tag: 'suppressions',
      permission: 'findings:read',
      query: suppressionsQuery,
      response: suppressionListReply,
      async handle({ query, services }) {
        const now = services.now();
        const rows = await new SuppressionsRepository(services.db).list({
          status: query.status,
          ...(query.scope ? { scope: query.scope } : {}),
          ...(query.rule_id === undefined ? {} : { ruleId: query.rule_id }),
          ...(query.account_id === undefined ? {} : { accountId: query.account_id }),
          ...(query.cursor === undefined ? {} : { after: parseSuppressionCursor(query.cursor) }),
          limit: query.limit + 1,
          now,
        });
        const page = rows.slice(0, query.limit);
        const last = page.at(-1);
        return {
          items: page.map((row) => toSuppressionReply(row, now)),
          next_cursor: rows.length > query.limit && last ? suppressionCursor(last) : null,
        };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/suppressions/{id}',
      operationId: 'revokeSuppression',
      summary: 'Revoke a suppression: it stops applying at once (findings it resolved stay resolved)',
      tag: 'suppressions',
      permission: 'suppressions:write',
      params: idParams,
      response: suppressionReply,
      async handle({ params, actor, services, ip }) {
        const now = services.now();
        return services.db.transaction().execute(async (trx) => {
          const { suppression, wasRevoked } = await SuppressionsRepository.revoke(trx, params.id, now);
          if (wasRevoked) {
            await new AuditLogRepository(trx).append({
              ...auditActor(actor),
              action: 'suppression.revoked',
              targetType: 'suppression',
              targetId: suppression.id,
              details: { scope: suppression.scope, rule_id: suppression.rule_id, account_id: suppression.account_id },
              ...(ip === undefined ? {} : { ip }),
            });
          }
          return toSuppressionReply(suppression, now);
        });
      },
    }),
  ];
}

function triageActor(actor: Actor): TriageActor {
  return { type: actor.type, id: actor.id, name: actor.name };
}
