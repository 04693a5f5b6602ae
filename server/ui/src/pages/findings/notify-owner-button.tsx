import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/api-error.js';
import type { FindingDetail, NoticeLanguage, OwnerNotice } from '../../api/api-types.js';
import { ErrorMessage } from '../../components/error-message.js';
import { formatDateTime } from '../../i18n/format.js';
import { findingKeys, markOwnerNotified, prepareOwnerNotice } from './findings-api.js';
import { ModalDialog } from '../../components/modal-dialog.js';

const NOTICE_LANGUAGES = ['en', 'ru', 'uk', 'pl', 'el'] as const satisfies readonly NoticeLanguage[];
// Only a plain address becomes a mailto: link; anything else is shown as text.
const EMAIL = /^[^\s@<>"(),;:\\[\]]+@[^\s@<>"(),;:\\[\]]+\.[^\s@<>"(),;:\\[\]]+$/u;

function noticeLanguageOf(language: string): NoticeLanguage {
  return NOTICE_LANGUAGES.find((each) => each === language.split('-')[0]) ?? 'en';
}

/** A mailto: link for a checked address, with the subject and body encoded as its parameters. */
function mailtoOf(notice: OwnerNotice): string | undefined {
  if (notice.to === null || !EMAIL.test(notice.to)) return undefined;
  // RFC 6068 keeps the address's @ as it is; everything else is percent-encoded.
  return `mailto:${encodeURIComponent(notice.to).replace('%40', '@')}?subject=${encodeURIComponent(notice.subject)}&body=${encodeURIComponent(notice.body)}`;
}

/**
 * "Notify owner…" and its dialog: the message is written by the API in the chosen language (the
 * UI's by default) and shown read-only to copy, or to open in the mail program when the owner has
 * an e-mail address. Writing it records nothing: only "Mark as sent" records the notification
 * (and starts the re-check), after which the dialog says so and whether a re-check started.
 */
export function NotifyOwnerButton({ finding }: { finding: FindingDetail }) {
  const { t, i18n } = useTranslation('findings');
  const queryClient = useQueryClient();
  const [isOpen, setOpen] = useState(false);
  const [language, setLanguage] = useState<NoticeLanguage>(() => noticeLanguageOf(i18n.language));
  const [copied, setCopied] = useState('');
  const notice = useMutation({ mutationFn: (chosen: NoticeLanguage) => prepareOwnerNotice(finding.id, chosen) });
  const sent = useMutation({
    mutationFn: (chosen: NoticeLanguage) => markOwnerNotified(finding.id, chosen),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: findingKeys.presence(finding.id) }),
  });

  async function copy(text: string, what: string) {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(`${what}: ${t('notify.copied')}`);
    } catch {
      setCopied(t('notify.copyFailed'));
    }
  }

  const data = notice.data;
  const mailto = data ? mailtoOf(data) : undefined;
  // A server without owner notices answers 404 (the finding itself exists: its page loaded).
  const isMissing = notice.error instanceof ApiError && notice.error.status === 404;

  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        {t('notify.open')}
      </button>
      <ModalDialog isOpen={isOpen} title={t('notify.title')} onClose={() => setOpen(false)} className="findings-notify-dialog">
        <form
          className="toolbar"
          onSubmit={(event) => {
            event.preventDefault();
            setCopied('');
            notice.mutate(language);
          }}
        >
          <div className="field">
            <label htmlFor="findings-notice-language">{t('notify.language')}</label>
            <select id="findings-notice-language" value={language} onChange={(event) => setLanguage(noticeLanguageOf(event.target.value))}>
              {NOTICE_LANGUAGES.map((each) => (
                <option key={each} value={each} lang={each}>
                  {t(`languages.${each}`)}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="primary" disabled={notice.isPending}>
            {notice.isPending ? t('status.loading', { ns: 'common' }) : t('notify.prepare')}
          </button>
        </form>
        {notice.isError && (isMissing ? <p className="notice">{t('notify.unavailable')}</p> : <ErrorMessage error={notice.error} />)}
        {data && (
          <div className="findings-form">
            <p>
              <strong>{t('notify.to')}:</strong> {data.to ?? <span className="muted">{t('notify.noAddress')}</span>}
            </p>
            <label htmlFor="findings-notice-subject">{t('notify.subject')}</label>
            <input id="findings-notice-subject" readOnly value={data.subject} />
            <label htmlFor="findings-notice-body">{t('notify.body')}</label>
            <textarea id="findings-notice-body" className="findings-notice-text" readOnly value={data.body} />
            <div className="actions">
              <button type="button" onClick={() => void copy(data.subject, t('notify.subject'))}>
                {t('notify.copySubject')}
              </button>
              <button type="button" onClick={() => void copy(data.body, t('notify.body'))}>
                {t('notify.copyBody')}
              </button>
              {mailto !== undefined && (
                <a className="button" href={mailto}>
                  {t('notify.mailto')}
                </a>
              )}
            </div>
            <p role="status" className="muted">
              {copied}
            </p>
            {sent.data ? (
              <div role="status">
                <p className="notice">{t('notify.sent', { when: formatDateTime(sent.data.owner_notified_at) })}</p>
                <p className="notice">{t(`notify.recheck.${sent.data.recheck}`)}</p>
              </div>
            ) : (
              <>
                <p className="muted">{t('notify.markSentHint')}</p>
                <div className="actions">
                  <button type="button" className="primary" disabled={sent.isPending} onClick={() => sent.mutate(data.language)}>
                    {sent.isPending ? t('status.loading', { ns: 'common' }) : t('notify.markSent')}
                  </button>
                </div>
              </>
            )}
            {sent.isError && <ErrorMessage error={sent.error} />}
          </div>
        )}
      </ModalDialog>
    </>
  );
}
