import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { FindingDetail, RevealedEvidence } from '../../api/api-types.js';
import { ErrorMessage } from '../../components/error-message.js';
import { formatDateTime } from '../../i18n/format.js';
import { useSignedIn } from '../../session/session-context.js';
import { EvidenceText, maskedHighlights, revealedHighlights } from './evidence-text.js';
import { findingImageUrl, findingKeys, revealFinding } from './findings-api.js';

/** The address itself when it is an http(s) URL, else undefined: nothing else may become a link. */
export function webLinkOf(address: string): string | undefined {
  try {
    const url = new URL(address);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The post with its evidence masked and marked, its images blurred, and (for roles that may) a
 * reveal that shows the evidence, the whole texts and the images in the clear. Revealing is
 * recorded by the API in the audit log, as the button's note says; the clear texts stay in this
 * component's memory only and are gone when the page is left or "Hide evidence" is pressed.
 */
export function FindingPostPanel({ finding }: { finding: FindingDetail }) {
  const { t } = useTranslation('findings');
  const { can } = useSignedIn();
  const queryClient = useQueryClient();
  const reveal = useMutation({
    mutationFn: () => revealFinding(finding.id),
    // The audit trail now holds the reveal.
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: findingKeys.detail(finding.id) }),
  });
  const revealed: RevealedEvidence | undefined = reveal.data;
  const link = webLinkOf(finding.post.url);
  const evidenceRange = revealed ? { start: revealed.evidence.start, end: revealed.evidence.end } : undefined;

  return (
    <section className="panel" aria-labelledby="findings-post-title">
      <h2 id="findings-post-title">{t('detail.post')}</h2>
      <dl className="findings-facts">
        <dt>{t('filters.platform')}</dt>
        <dd>{finding.account.platform}</dd>
        <dt>{t('detail.published')}</dt>
        <dd>{finding.post.published_at ? <time dateTime={finding.post.published_at}>{formatDateTime(finding.post.published_at)}</time> : '—'}</dd>
      </dl>
      <p>
        {link ? (
          <a href={link} target="_blank" rel="noreferrer noopener">
            {t('detail.openOriginal')}
          </a>
        ) : (
          <span className="muted">{t('detail.unsafeLink')}</span>
        )}
      </p>
      {!finding.is_current && <p className="notice">{t('detail.notCurrent')}</p>}

      <h3>{revealed ? t('detail.evidenceRevealed') : t('detail.evidenceMasked')}</h3>
      <p>
        <mark className={revealed ? 'findings-mark-own' : 'findings-mark-own masked'} data-testid="finding-evidence">
          {revealed ? revealed.evidence.text : finding.evidence.text}
        </mark>{' '}
        <span className="muted">{t('detail.evidenceSource', { source: t(`sources.${finding.evidence.source}`) })}</span>
      </p>

      {can('evidence:reveal') && (
        <div className="findings-reveal">
          {revealed ? (
            <>
              <p role="status">{t('detail.revealed')}</p>
              <button type="button" onClick={() => reveal.reset()}>
                {t('detail.hide')}
              </button>
            </>
          ) : (
            <>
              <p id="findings-reveal-note">{t('detail.revealNote')}</p>
              <button type="button" aria-describedby="findings-reveal-note" disabled={reveal.isPending} onClick={() => reveal.mutate()}>
                {reveal.isPending ? t('detail.revealing') : t('detail.reveal')}
              </button>
            </>
          )}
          {reveal.isError && <ErrorMessage error={reveal.error} />}
        </div>
      )}
      <h3>{t('detail.postText')}</h3>
      {revealed ? (
        revealed.post_text === null ? (
          <p className="muted">{t('detail.postTextDropped')}</p>
        ) : (
          <EvidenceText
            className="findings-post-text"
            text={revealed.post_text}
            highlights={revealedHighlights(revealed.post_text, revealed.evidence.text, revealed.evidence.source === 'text' ? evidenceRange : undefined)}
          />
        )
      ) : finding.post.text === null ? (
        <p className="muted">{t('detail.postTextDropped')}</p>
      ) : (
        <EvidenceText className="findings-post-text" text={finding.post.text} highlights={maskedHighlights(finding.post.text, finding.evidence.text)} />
      )}

      {revealed?.media.map(
        (media) =>
          media.ocr_text !== null &&
          media.ocr_text.trim() !== '' && (
            <div key={media.id}>
              <h3>{t('detail.ocrText', { position: media.position + 1 })}</h3>
              <EvidenceText
                className="findings-post-text"
                text={media.ocr_text}
                highlights={revealedHighlights(
                  media.ocr_text,
                  revealed.evidence.text,
                  revealed.evidence.source === 'ocr' && revealed.evidence.media_id === media.id ? evidenceRange : undefined,
                )}
              />
            </div>
          ),
      )}

      {finding.media.length > 0 && (
        <>
          <h3>{t('detail.images')}</h3>
          <div className="findings-images">
            {finding.media.map((media) => (
              <figure key={media.id}>
                {media.has_content ? (
                  <img
                    src={findingImageUrl(finding.id, media.id, revealed !== undefined)}
                    alt={revealed ? t('detail.imageAltRevealed', { position: media.position + 1 }) : t('detail.imageAlt', { position: media.position + 1 })}
                    width={media.width ?? undefined}
                    height={media.height ?? undefined}
                  />
                ) : (
                  <p className="muted">{t('detail.imageNotKept', { position: media.position + 1 })}</p>
                )}
                {media.status !== 'extracted' && <figcaption>{t('detail.imageNotRead', { position: media.position + 1, status: t(`detail.imageStatuses.${media.status}`) })}</figcaption>}
              </figure>
            ))}
          </div>
        </>
      )}

    </section>
  );
}
