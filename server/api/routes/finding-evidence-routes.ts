import { z } from 'zod';
import { InputValidationError, NotFoundError } from '../../../core/errors.js';
import { renderEvidenceImage } from '../../../ocr/render-evidence-image.js';
import { AuditLogRepository } from '../../../store/repositories/audit-log-repository.js';
import { FindingsQuery } from '../../../store/repositories/findings-query.js';
import { auditActor } from '../actor.js';
import { defineRoute, type AnyApiRoute } from '../api-route.js';
import { ForbiddenError } from '../http-errors.js';
import { revealReply } from '../schemas/finding-schemas.js';
import { findingIdParams } from './findings-routes.js';

const mediaParams = z.strictObject({ id: z.uuid(), mediaId: z.uuid() });
const mediaQuery = z.strictObject({
  reveal: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true')
    .describe('true: the image unblurred (needs evidence:reveal; audited). Default: blurred beyond reading.'),
});

/** The image's bytes were dropped (retention, or the post was re-collected without it): nothing can be shown. */
export class ImageNotKeptError extends NotFoundError {
  constructor(mediaId: string) {
    super('image', mediaId);
    this.message =
      `The image was not kept: the bytes of image ${mediaId} were dropped after analysis or by retention, so it cannot ` +
      'be shown. The finding and its masked evidence remain; open the post URL to see it on the platform.';
  }
}

/**
 * Evidence shown whole: the reveal of a finding's texts and the unblurred image, both only with
 * evidence:reveal and both in the audit log (which never holds the evidence itself). Everyone
 * with findings:read gets the image blurred, with the evidence box outlined.
 */
export function findingEvidenceRoutes(): AnyApiRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/findings/{id}/reveal',
      operationId: 'revealFindingEvidence',
      summary: 'The evidence unmasked, with the whole post text and the OCR text of its images; audited',
      tag: 'findings',
      permission: 'evidence:reveal',
      params: findingIdParams,
      response: revealReply,
      async handle({ params, actor, ip, services, request }) {
        // A stored idempotent reply would keep the evidence in the clear for a day, and its replays would go unaudited.
        if (request.get('idempotency-key') !== undefined) {
          throw new InputValidationError('the request headers', [
            { path: 'Idempotency-Key', message: 'a reveal is never stored for replay: send it without Idempotency-Key (revealing twice is harmless)' },
          ]);
        }
        const query = new FindingsQuery(services.db);
        const detail = await query.detail(params.id);
        if (!detail) throw new NotFoundError('finding', params.id);
        // Audited before anything is shown: a reveal the log cannot record does not happen.
        await new AuditLogRepository(services.db).append({
          ...auditActor(actor),
          action: 'evidence.revealed',
          targetType: 'finding',
          targetId: params.id,
          details: { what: 'text' },
          ...(ip === undefined ? {} : { ip }),
        });
        const { evidence } = detail.finding;
        return {
          finding_id: params.id,
          evidence: {
            source: evidence.source,
            text: evidence.text,
            ...(evidence.start === undefined ? {} : { start: evidence.start }),
            ...(evidence.end === undefined ? {} : { end: evidence.end }),
            ...(evidence.box ? { box: evidence.box } : {}),
            ...(evidence.mediaId === undefined ? {} : { media_id: evidence.mediaId }),
          },
          post_text: detail.postText,
          media: detail.media.map((media) => ({ id: media.id, position: media.position, ocr_text: media.ocr_text })),
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/findings/{id}/media/{mediaId}',
      operationId: 'getFindingImage',
      summary: "An image of the finding's post as PNG: blurred with the evidence outlined, or unblurred with reveal=true (audited)",
      tag: 'findings',
      permission: 'findings:read',
      params: mediaParams,
      query: mediaQuery,
      response: null,
      produces: 'image/png',
      async handle({ params, query, actor, ip, services, response }) {
        if (query.reveal && !actor.permissions.has('evidence:reveal')) {
          throw new ForbiddenError(
            `reveal=true needs the evidence:reveal permission, which the ${actor.role} role${actor.type === 'api_key' ? ' or this key’s scopes' : ''} ` +
              'does not grant; leave reveal out to get the blurred image.',
          );
        }
        const found = await new FindingsQuery(services.db).image(params.id, params.mediaId);
        if (!found) throw new NotFoundError(`image of finding ${params.id}`, params.mediaId);
        if (found.media.content === null) throw new ImageNotKeptError(params.mediaId);
        const box = found.evidence.mediaId === params.mediaId ? found.evidence.box : undefined;
        const png = await renderEvidenceImage(found.media.content, { blur: !query.reveal, box });
        if (query.reveal) {
          await new AuditLogRepository(services.db).append({
            ...auditActor(actor),
            action: 'evidence.revealed',
            targetType: 'finding',
            targetId: params.id,
            details: { what: 'image', media_id: params.mediaId },
            ...(ip === undefined ? {} : { ip }),
          });
        }
        response.status(200).set({ 'Content-Type': 'image/png', 'Cache-Control': 'no-store', 'Content-Length': String(png.length) }).end(png);
        return null;
      },
    }),
  ];
}
