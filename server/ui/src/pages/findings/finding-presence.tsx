import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/api-error.js';
import type { FindingDetail } from '../../api/api-types.js';
import { ErrorMessage } from '../../components/error-message.js';
import { formatDateTime } from '../../i18n/format.js';
import { useSignedIn } from '../../session/session-context.js';
import { fetchFindingPresence, findingKeys } from './findings-api.js';
import { NotifyOwnerButton } from './notify-owner-button.js';

/**
 * Whether the post is still online or gone, and whether (when, by whom) its owner was notified, with
 * "Notify owner…" for roles that may triage. A server without the presence route shows the button only.
 */
export function FindingPresencePanel({ finding }: { finding: FindingDetail }) {
  const { t } = useTranslation('findings');
  const { can } = useSignedIn();
  const presence = useQuery({ queryKey: findingKeys.presence(finding.id), queryFn: ({ signal }) => fetchFindingPresence(finding.id, signal) });
  const data = presence.data;
  const isMissingRoute = presence.error instanceof ApiError && presence.error.status === 404;
  const canNotify = can('findings:triage');
  if (!data && !canNotify && (isMissingRoute || presence.isPending)) return null;
  return (
    <section className="panel" aria-labelledby="findings-presence-title">
      <h2 id="findings-presence-title">{t('presence.title')}</h2>
      {data && (
        <ul className="findings-presence">
          <li data-testid="finding-post-presence">
            {data.post_gone_at !== null ? t('presence.gone', { when: formatDateTime(data.post_gone_at) }) : t('presence.online', { when: formatDateTime(data.post_last_seen_at) })}
          </li>
          <li data-testid="finding-owner-notified">
            {data.owner_notified_at !== null
              ? t('presence.notified', { when: formatDateTime(data.owner_notified_at), who: data.owner_notified_by?.name ?? t('unknownUser') })
              : t('presence.notNotified')}
          </li>
        </ul>
      )}
      {presence.isError && !isMissingRoute && <ErrorMessage error={presence.error} />}
      {canNotify && <NotifyOwnerButton finding={finding} />}
    </section>
  );
}
