import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiRequest } from '../../api/api-client.js';
import type { CreatedSink, Sink } from '../../api/api-types.js';
import { ErrorMessage } from '../../components/error-message.js';
import { Loading } from '../../components/loading.js';
import { useSignedIn } from '../../session/session-context.js';
import { AddSinkForm } from './add-sink-form.js';
import { ShownOnceSecret } from './shown-once-secret.js';
import { SinkCard } from './sink-card.js';

/** SIEM sinks (sinks:read): each sink's delivery state, refreshed while open; adding and changing sinks with sinks:write. */
export function SinksTab() {
  const { t } = useTranslation('settings');
  const session = useSignedIn();
  const canWrite = session.can('sinks:write');
  const [isAdding, setAdding] = useState(false);
  const [added, setAdded] = useState<CreatedSink | null>(null);

  const query = useQuery({
    queryKey: ['sinks'],
    queryFn: ({ signal }) => apiRequest<{ items: Sink[] }>('GET', '/sinks', { signal }),
    refetchInterval: 15_000,
  });

  return (
    <section aria-labelledby="settings-sinks-title">
      <div className="settings-heading">
        <h2 id="settings-sinks-title">{t('sinks.title')}</h2>
        {canWrite && !isAdding && (
          <button
            type="button"
            className="primary"
            onClick={() => {
              setAdded(null);
              setAdding(true);
            }}
          >
            {t('sinks.add')}
          </button>
        )}
      </div>
      <p className="muted">{t('sinks.intro')}</p>
      {added?.secret !== undefined && (
        <ShownOnceSecret
          title={t('sinks.form.secretTitle', { name: added.sink.name })}
          label={t('sinks.form.secretLabel')}
          secret={added.secret}
          hint={t('sinks.form.secretUse')}
          onDone={() => setAdded(null)}
        />
      )}
      {added !== null && added.secret === undefined && (
        <p className="notice" role="status">
          {t('sinks.form.added', { name: added.sink.name })}
        </p>
      )}
      {canWrite && isAdding && (
        <AddSinkForm
          onCreated={(created) => {
            setAdding(false);
            setAdded(created);
          }}
          onCancel={() => setAdding(false)}
        />
      )}
      {query.isPending && <Loading />}
      {query.isError && <ErrorMessage error={query.error} onRetry={() => void query.refetch()} />}
      {query.data?.items.length === 0 && <p className="muted">{t('sinks.empty')}</p>}
      {query.data?.items.map((sink) => (
        <SinkCard key={sink.id} sink={sink} />
      ))}
    </section>
  );
}
