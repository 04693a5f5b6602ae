import { z } from 'zod';
import { AuditLogRepository } from '../../../store/repositories/audit-log-repository.js';
import { PostPresenceRepository, type OwnerNoticeFacts } from '../../../store/repositories/post-presence-repository.js';
import { OWNER_NOTICE_LANGUAGES, type OwnerNoticeLanguage } from '../../notify/owner-notice-templates.js';
import { prepareOwnerNotice } from '../../notify/prepare-owner-notice.js';
import { actorReference, auditActor, type Actor } from '../actor.js';
import { defineRoute, type AnyApiRoute } from '../api-route.js';
import type { ApiServices } from '../api-services.js';
import {
  findingPresenceReply,
  notifyOwnerBody,
  ownerNoticeReply,
  ownerNotifiedReply,
  toFindingPresenceReply,
  type RecheckOutcome,
} from '../schemas/notify-schemas.js';
import { startApiScan } from './scans-routes.js';

const findingParams = z.strictObject({ id: z.uuid() });

/**
 * Asking an account's owner to take a post down, and seeing whether it went: the notice prepared
 * (nothing recorded: writing a message is not sending it), the notification marked as sent
 * (recorded, audited and the re-check started), and the post's presence as scans last saw it.
 * The notice never quotes the evidence and is not kept (the reply carries it): the finding keeps
 * when and by whom its owner was notified, the audit log that it happened, neither naming the
 * owner, and both go with the finding when the owner's data is erased.
 */
export function findingNotifyRoutes(): AnyApiRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/findings/{id}/owner-notice',
      operationId: 'prepareFindingOwnerNotice',
      summary:
        "Prepares a notice asking the account's owner to remove the post (by URL, date and category, never the evidence); " +
        'records nothing: mark it sent with POST /findings/{id}/notify-owner',
      tag: 'triage',
      permission: 'findings:triage',
      params: findingParams,
      body: notifyOwnerBody,
      response: ownerNoticeReply,
      // The reply names the owner: never kept for replays. It changes nothing, so repeating it is harmless.
      storesReplies: false,
      async handle({ params, body, services }) {
        const facts = await new PostPresenceRepository(services.db).ownerNoticeFacts(params.id);
        const language = body?.language ?? defaultLanguage(services);
        const notice = prepareOwnerNotice({
          language,
          ownerName: facts.ownerName,
          postUrl: facts.postUrl,
          postDate: facts.postDate,
          category: facts.category,
          organisation: services.policy.organisation.name,
        });
        return { to: facts.ownerEmail, language, subject: notice.subject, body: notice.body, post_url: facts.postUrl };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/findings/{id}/notify-owner',
      operationId: 'notifyFindingOwner',
      summary:
        "Records that the account's owner was sent the notice (when and by whom, and in the audit log) and, when the caller " +
        'may start scans, starts a full scan of the account to re-check the post',
      tag: 'triage',
      permission: 'findings:triage',
      params: findingParams,
      body: notifyOwnerBody,
      response: ownerNotifiedReply,
      async handle({ params, body, actor, ip, services }) {
        const facts = await new PostPresenceRepository(services.db).ownerNoticeFacts(params.id);
        const language = body?.language ?? defaultLanguage(services);
        const recheck = await startRecheck(services, facts, actor, ip);
        const now = services.now();
        await services.db.transaction().execute(async (trx) => {
          await PostPresenceRepository.recordOwnerNotified(trx, facts.findingId, actorReference(actor), now);
          // What was done, never to whom it was written nor what it said: those name the person.
          await new AuditLogRepository(trx).append({
            ...auditActor(actor),
            action: 'finding.owner_notified',
            targetType: 'finding',
            targetId: facts.findingId,
            details: { language, has_recipient: facts.ownerEmail !== null, recheck: recheck.outcome, scan_run_id: recheck.scanId },
            ...(ip === undefined ? {} : { ip }),
          });
        });
        return { owner_notified_at: now.toISOString(), recheck: recheck.outcome, recheck_scan_id: recheck.scanId };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/findings/{id}/presence',
      operationId: 'getFindingPresence',
      summary: "Whether the finding's post is still up (as the last scans saw it) and whether its owner was notified",
      tag: 'findings',
      permission: 'findings:read',
      params: findingParams,
      response: findingPresenceReply,
      async handle({ params, services }) {
        return toFindingPresenceReply(await new PostPresenceRepository(services.db).ofFinding(params.id));
      },
    }),
  ];
}

/** The policy's first language that has a notice, else English. */
function defaultLanguage(services: ApiServices): OwnerNoticeLanguage {
  const isNoticeLanguage = (language: string): language is OwnerNoticeLanguage => (OWNER_NOTICE_LANGUAGES as readonly string[]).includes(language);
  return services.policy.languages.find(isNoticeLanguage) ?? 'en';
}

/**
 * A full scan of the account, which alone can find the post gone (an incremental one reads only
 * newer posts): started only for a caller who may start scans (findings:triage alone must not
 * reach around scans:write), unless one of any kind is already under way for it, or there is no
 * pipeline in this process, or the account is disabled (scans skip it).
 */
async function startRecheck(
  services: ApiServices,
  facts: OwnerNoticeFacts,
  actor: Actor,
  ip: string | undefined,
): Promise<{ outcome: RecheckOutcome; scanId: string | null }> {
  if (!actor.permissions.has('scans:write')) return { outcome: 'not_permitted', scanId: null };
  if (services.pipeline === undefined || !facts.isAccountActive) return { outcome: 'unavailable', scanId: null };
  const running = await runningScanOf(services, facts.accountId);
  if (running !== undefined) return { outcome: 'already_running', scanId: running };
  const started = await startApiScan(services, { actor, ip, accountIds: [facts.accountId], isFull: true });
  // Another scan took the account between the two reads.
  if (started.accounts_left_to_other_scans > 0) return { outcome: 'already_running', scanId: (await runningScanOf(services, facts.accountId)) ?? null };
  return { outcome: 'started', scanId: started.id };
}

/** The running scan still waiting to collect the account, if any. */
async function runningScanOf(services: ApiServices, accountId: string): Promise<string | undefined> {
  const row = await services.db
    .selectFrom('scan_run_accounts')
    .innerJoin('scan_runs', 'scan_runs.id', 'scan_run_accounts.scan_run_id')
    .select('scan_runs.id')
    .where('scan_run_accounts.account_id', '=', accountId)
    .where('scan_run_accounts.status', '=', 'pending')
    .where('scan_runs.status', '=', 'running')
    .orderBy('scan_runs.created_at', 'desc')
    .executeTakeFirst();
  return row?.id;
}
