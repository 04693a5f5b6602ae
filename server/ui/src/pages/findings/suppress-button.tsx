import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type SyntheticEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { FindingDetail, SuppressRequest, SuppressionScope } from '../../api/api-types.js';
import { ErrorMessage } from '../../components/error-message.js';
import { useSignedIn } from '../../session/session-context.js';
import { findingKeys, suppressFinding } from './findings-api.js';
import { endOfDay, expiryBounds } from './accepted-risk-expiry.js';
import { ModalDialog } from '../../components/modal-dialog.js';

type SuppressResolution = NonNullable<SuppressRequest['resolution']>;

/** Scopes on this account only, open to every role that may suppress; the two reaching every account are for admins (suppressFinding). */
const ACCOUNT_SCOPES = ['rule_account', 'evidence_account'] as const satisfies readonly SuppressionScope[];
const GLOBAL_SCOPES = ['evidence', 'rule'] as const satisfies readonly SuppressionScope[];
const RESOLUTIONS = ['false_positive', 'authorized', 'accepted_risk', 'out_of_scope'] as const satisfies readonly SuppressResolution[];
const NEEDS_COMMENT: ReadonlySet<SuppressResolution> = new Set(['false_positive', 'accepted_risk']);

/**
 * "Suppress…": a button and its dialog, for roles with suppressions:write. Each scope the user may
 * create is explained (what it resolves now and keeps from being raised); the reason is required,
 * and so are a comment (false positive, accepted risk) and an end date (accepted risk).
 */
export function SuppressButton({ finding }: { finding: FindingDetail }) {
  const { t } = useTranslation('findings');
  const session = useSignedIn();
  const queryClient = useQueryClient();
  const [isOpen, setOpen] = useState(false);
  const [scope, setScope] = useState<SuppressionScope>('rule_account');
  const [reason, setReason] = useState('');
  const [resolution, setResolution] = useState<SuppressResolution>('false_positive');
  const [comment, setComment] = useState('');
  const [expiry, setExpiry] = useState('');
  const suppress = useMutation({
    mutationFn: (body: SuppressRequest) => suppressFinding(finding.id, body),
    onSuccess: () => {
      setOpen(false);
      setReason('');
      setComment('');
      void queryClient.invalidateQueries({ queryKey: findingKeys.all });
    },
  });
  if (!session.can('suppressions:write')) return null;

  const scopes: readonly SuppressionScope[] = session.user?.role === 'admin' ? [...ACCOUNT_SCOPES, ...GLOBAL_SCOPES] : ACCOUNT_SCOPES;
  const bounds = expiryBounds();
  const needsComment = NEEDS_COMMENT.has(resolution);
  // The API suppresses the finding's first rule.
  const rule = finding.rule_ids[0] ?? '';
  const account = `${finding.account.platform}/${finding.account.handle}`;

  function submit(event: SyntheticEvent) {
    event.preventDefault();
    const body: SuppressRequest = { scope, reason: reason.trim(), resolution };
    if (comment.trim() !== '') body.comment = comment.trim();
    if (expiry !== '') body.expires_at = endOfDay(expiry);
    suppress.mutate(body);
  }

  return (
    <section className="panel" aria-labelledby="findings-suppress-title">
      <h2 id="findings-suppress-title">{t('suppress.heading')}</h2>
      <button type="button" onClick={() => setOpen(true)}>
        {t('suppress.open')}
      </button>
      {suppress.isSuccess && (
        <p role="status" className="findings-status">
          {t('suppress.done', { count: suppress.data.resolved_finding_ids.length })}
        </p>
      )}
      <ModalDialog isOpen={isOpen} title={t('suppress.title')} onClose={() => setOpen(false)}>
        <p className="muted">{t('suppress.intro')}</p>
        <form className="findings-form" onSubmit={submit}>
          <fieldset>
            <legend>{t('suppress.scope')}</legend>
            {scopes.map((each) => (
              <div key={each}>
                <input
                  type="radio"
                  id={`findings-scope-${each}`}
                  name="findings-scope"
                  value={each}
                  checked={scope === each}
                  aria-describedby={`findings-scope-${each}-help`}
                  onChange={() => setScope(each)}
                />{' '}
                <label htmlFor={`findings-scope-${each}`}>{t(`suppress.scopes.${each}`)}</label>
                <p id={`findings-scope-${each}-help`} className="findings-scope-help">
                  {t(`suppress.scopeHelp.${each}`, { rule, account })}
                </p>
              </div>
            ))}
          </fieldset>
          <label htmlFor="findings-suppress-reason">{t('suppress.reason')}</label>
          <textarea id="findings-suppress-reason" required maxLength={2_000} value={reason} onChange={(event) => setReason(event.target.value)} />
          <label htmlFor="findings-suppress-resolution">{t('suppress.resolution')}</label>
          <select
            id="findings-suppress-resolution"
            value={resolution}
            onChange={(event) => setResolution(RESOLUTIONS.find((each) => each === event.target.value) ?? 'false_positive')}
          >
            {RESOLUTIONS.map((each) => (
              <option key={each} value={each}>
                {t(`resolutions.${each}`)}
              </option>
            ))}
          </select>
          <label htmlFor="findings-suppress-comment">{t('suppress.comment')}</label>
          <textarea id="findings-suppress-comment" required={needsComment} maxLength={10_000} value={comment} onChange={(event) => setComment(event.target.value)} />
          <label htmlFor="findings-suppress-expiry">{resolution === 'accepted_risk' ? t('suppress.expiresRequired') : t('suppress.expires')}</label>
          <input
            id="findings-suppress-expiry"
            type="date"
            min={bounds.min}
            required={resolution === 'accepted_risk'}
            value={expiry}
            onChange={(event) => setExpiry(event.target.value)}
          />
          {suppress.isError && <ErrorMessage error={suppress.error} />}
          <div className="actions">
            <button
              type="submit"
              className="primary"
              disabled={suppress.isPending || reason.trim() === '' || (needsComment && comment.trim() === '') || (resolution === 'accepted_risk' && expiry === '')}
            >
              {t('suppress.submit')}
            </button>
            <button type="button" onClick={() => setOpen(false)}>
              {t('actions.cancel', { ns: 'common' })}
            </button>
          </div>
        </form>
      </ModalDialog>
    </section>
  );
}
