import { useTranslation } from 'react-i18next';
import type { ScanOutcomeStatus, ScanStatus } from '../../api/api-types.js';

const STATUS_CLASS: Record<ScanStatus, string> = { queued: 'muted', running: 'scans-running', completed: 'status-ok', failed: 'status-bad', cancelled: 'status-warn' };
const OUTCOME_CLASS: Record<ScanOutcomeStatus, string> = { pending: 'muted', collected: 'status-ok', blocked: 'status-bad', failed: 'status-bad', skipped: 'status-warn' };

/** A scan's status as a badge whose words, not colour alone, say it. */
export function ScanStatusBadge({ status }: { status: ScanStatus }) {
  const { t } = useTranslation('scans');
  return (
    <span className={`badge ${STATUS_CLASS[status]}`} data-status={status}>
      {t(`statuses.${status}`)}
    </span>
  );
}

/** How one account fared in a scan, as a badge with what that outcome means as its tooltip. */
export function ScanOutcomeBadge({ outcome }: { outcome: ScanOutcomeStatus }) {
  const { t } = useTranslation('scans');
  return (
    <span className={`badge ${OUTCOME_CLASS[outcome]}`} title={t(`outcomeHints.${outcome}`)} data-outcome={outcome}>
      {t(`outcomes.${outcome}`)}
    </span>
  );
}

/** Whether a scan may still change: queued or running. */
export function isScanLive(status: ScanStatus): boolean {
  return status === 'queued' || status === 'running';
}
