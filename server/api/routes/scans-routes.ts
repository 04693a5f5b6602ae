import { z } from 'zod';
import { InputValidationError, TransientError } from '../../../core/errors.js';
import type { Pipeline } from '../../../pipeline/create-pipeline.js';
import { AccountsRepository } from '../../../store/repositories/accounts-repository.js';
import { AuditLogRepository } from '../../../store/repositories/audit-log-repository.js';
import { ScanRunsRepository } from '../../../store/repositories/scan-runs-repository.js';
import { auditActor, type Actor } from '../actor.js';
import { defineRoute, type AnyApiRoute } from '../api-route.js';
import type { ApiServices } from '../api-services.js';
import { ConflictError } from '../http-errors.js';
import {
  MAX_SCAN_OUTCOMES,
  scanDetailReply,
  scanListReply,
  scanRunReply,
  scansQuery,
  startScanBody,
  startScanReply,
  toScanDetailReply,
  toScanRunReply,
} from '../schemas/scans-schemas.js';

const idParams = z.strictObject({ id: z.uuid() });

/**
 * Scans: list them, follow one live, start one now, cancel one. Starting and cancelling are
 * audited. A cancelled scan collects no account it had not reached; the reading and analysis of
 * posts it had already collected still finish (only analysis drops a clean post's content).
 */
export function scansRoutes(): AnyApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/scans',
      operationId: 'listScans',
      summary: 'Scan runs, newest first, filtered by status or trigger',
      tag: 'scans',
      permission: 'scans:read',
      query: scansQuery,
      response: scanListReply,
      async handle({ query, services }) {
        const rows = await new ScanRunsRepository(services.db).page(
          {
            ...(query.status === undefined ? {} : { status: query.status }),
            ...(query.trigger === undefined ? {} : { trigger: query.trigger }),
            ...(query.cursor === undefined ? {} : { beforeId: query.cursor }),
          },
          query.limit + 1,
        );
        const page = rows.slice(0, query.limit);
        const last = page.at(-1);
        return { items: page.map(toScanRunReply), next_cursor: rows.length > query.limit && last ? last.id : null };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/scans/{id}',
      operationId: 'getScan',
      summary: 'One scan with its live progress, its errors and how each of its accounts fared',
      tag: 'scans',
      permission: 'scans:read',
      params: idParams,
      response: scanDetailReply,
      async handle({ params, services }) {
        const runs = new ScanRunsRepository(services.db);
        const run = await runs.getById(params.id);
        const progress = await (services.pipeline?.coordinator.progress(run.id) ?? runs.progress(run.id));
        return toScanDetailReply(run, progress, await runs.outcomes(run.id, MAX_SCAN_OUTCOMES + 1));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/scans',
      operationId: 'startScan',
      summary: 'Scan accounts now, by id or every active one (202: the scan is queued; follow it at GET /scans/{id})',
      tag: 'scans',
      permission: 'scans:write',
      body: startScanBody,
      response: startScanReply,
      status: 202,
      errors: [409, 503],
      async handle({ body, actor, services, ip }) {
        const accounts = new AccountsRepository(services.db);
        let accountIds: string[];
        if (body.account_ids === undefined) {
          accountIds = (await accounts.list({ isActive: true })).map((account) => account.id);
          if (accountIds.length === 0) {
            throw new ConflictError('No account is active, so there is nothing to scan: register one with POST /api/v1/accounts, or enable one.');
          }
        } else {
          accountIds = [...new Set(body.account_ids)];
          await assertScannable(services, accountIds, body.account_ids);
        }
        return startApiScan(services, { actor, ip, accountIds, isFull: body.full });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/scans/{id}/cancel',
      operationId: 'cancelScan',
      summary:
        'Cancel a queued or running scan: accounts not yet collected are skipped (their queued jobs do nothing); ' +
        'posts already collected are still read and analyzed',
      tag: 'scans',
      permission: 'scans:write',
      params: idParams,
      response: scanRunReply,
      errors: [409],
      async handle({ params, actor, services, ip }) {
        const { run, isCancelled } = await (services.pipeline?.coordinator.cancelScan(params.id) ?? new ScanRunsRepository(services.db).cancel(params.id));
        if (!isCancelled) {
          throw new ConflictError(
            `Scan ${run.id} is ${run.status} already${run.finished_at ? ` (since ${run.finished_at.toISOString()})` : ''}: only a queued or running scan can be cancelled.`,
          );
        }
        await new AuditLogRepository(services.db).append({
          ...auditActor(actor),
          action: 'scan.cancelled',
          targetType: 'scan_run',
          targetId: run.id,
          details: { trigger: run.trigger, accounts: run.counts.accounts, posts: run.counts.posts },
          ...(ip === undefined ? {} : { ip }),
        });
        return toScanRunReply(run);
      },
    }),
  ];
}

/**
 * Starts a scan of these accounts through the pipeline's coordinator (trigger `api`) and audits
 * it; accounts another running scan waits for are left to it and counted in the reply.
 */
export async function startApiScan(
  services: ApiServices,
  request: { actor: Actor; ip: string | undefined; accountIds: readonly string[]; isFull: boolean },
): Promise<z.infer<typeof startScanReply>> {
  const run = await pipelineOf(services).coordinator.startScan('api', request.accountIds, { isFull: request.isFull });
  await new AuditLogRepository(services.db).append({
    ...auditActor(request.actor),
    action: 'scan.started',
    targetType: 'scan_run',
    targetId: run.id,
    details: { requested: request.accountIds.length, accounts: run.counts.accounts, full: request.isFull },
    ...(request.ip === undefined ? {} : { ip: request.ip }),
  });
  return { ...toScanRunReply(run), accounts_left_to_other_scans: request.accountIds.length - run.counts.accounts };
}

function pipelineOf(services: ApiServices): Pipeline {
  if (services.pipeline === undefined) {
    throw new TransientError('This server process runs without the scan pipeline, so it cannot start scans: try again shortly, or run `overshare scan`.');
  }
  return services.pipeline;
}

/** Every id must name a registered, active account: unknown ids are input problems, disabled accounts a conflict. */
async function assertScannable(services: ApiServices, accountIds: readonly string[], given: readonly string[]): Promise<void> {
  const found = await services.db.selectFrom('accounts').select(['id', 'is_active']).where('id', 'in', accountIds).execute();
  const known = new Map(found.map((row) => [row.id, row.is_active]));
  const unknown = given.flatMap((id, index) => (known.has(id.toLowerCase()) ? [] : [{ path: `body.account_ids.${index}`, message: `no account has the id ${id}` }]));
  if (unknown.length > 0) throw new InputValidationError('the request body', unknown);
  const disabled = found.filter((row) => !row.is_active).map((row) => row.id);
  if (disabled.length > 0) {
    throw new ConflictError(
      `${disabled.length} of the accounts named ${disabled.length === 1 ? 'is' : 'are'} disabled (${disabled.slice(0, 10).join(', ')}${disabled.length > 10 ? ', …' : ''}): ` +
        'enable them with PATCH /api/v1/accounts/{id} {"active": true}, or leave them out.',
    );
  }
}
