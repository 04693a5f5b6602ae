import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { ScanDetail } from '../../api/api-types.js';
import { formatNumber } from '../../i18n/format.js';

/**
 * A scan's progress as labelled <progress> bars: accounts collected, posts analyzed and images
 * read, with failures named; a bar is indeterminate while its total is not known yet.
 * `isCompact` shows the accounts bar only (for a table row).
 */
export function ScanProgress({ progress, isLive, isCompact = false }: { progress: ScanDetail['progress']; isLive: boolean; isCompact?: boolean }) {
  const { t } = useTranslation('scans');
  const { accounts, posts, images } = progress;
  // Nothing counted yet while accounts are still being collected: the bar cannot say how far it is.
  const isCollecting = isLive && accounts.done < accounts.total;
  const problems = accounts.failed + accounts.blocked > 0 ? t('progress.accountsProblems', { failed: formatNumber(accounts.failed), blocked: formatNumber(accounts.blocked) }) : undefined;
  return (
    <div className={isCompact ? 'scans-progress scans-progress-compact' : 'scans-progress'}>
      <Bar
        name="accounts"
        label={t('progress.accounts', { done: formatNumber(accounts.done), total: formatNumber(accounts.total) })}
        note={problems}
        isBad={problems !== undefined}
        done={accounts.done}
        total={accounts.total}
        isWaiting={isLive && accounts.total === 0}
      />
      {!isCompact && (
        <>
          <Bar
            name="posts"
            label={t('progress.posts', { done: formatNumber(posts.total - posts.pending), total: formatNumber(posts.total) })}
            note={posts.failed > 0 ? t('progress.failed', { failed: formatNumber(posts.failed) }) : undefined}
            isBad={posts.failed > 0}
            done={posts.total - posts.pending}
            total={posts.total}
            isWaiting={isCollecting && posts.total === 0}
          />
          <Bar
            name="images"
            label={t('progress.images', { done: formatNumber(images.total - images.pending), total: formatNumber(images.total) })}
            note={images.failed > 0 ? t('progress.failed', { failed: formatNumber(images.failed) }) : undefined}
            isBad={images.failed > 0}
            done={images.total - images.pending}
            total={images.total}
            isWaiting={isCollecting && images.total === 0}
          />
          <p className="scans-progress-findings">{t('progress.findings', { findings: formatNumber(progress.findings) })}</p>
        </>
      )}
    </div>
  );
}

function Bar({ name, label, note, isBad, done, total, isWaiting }: { name: string; label: string; note: string | undefined; isBad: boolean; done: number; total: number; isWaiting: boolean }) {
  const noteId = useId();
  return (
    <div className="scans-bar" data-testid={`scan-progress-${name}`}>
      <label>
        <span className="scans-bar-label">{label}</span>
        {isWaiting ? (
          <progress className="progress" aria-describedby={note === undefined ? undefined : noteId} />
        ) : (
          <progress className="progress" max={Math.max(total, 1)} value={done} aria-describedby={note === undefined ? undefined : noteId} />
        )}
      </label>
      {note !== undefined && (
        <span id={noteId} className={isBad ? 'status-bad scans-bar-note' : 'muted scans-bar-note'}>
          {note}
        </span>
      )}
    </div>
  );
}
