import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type ReactNode, type SyntheticEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { apiRequest } from '../../api/api-client.js';
import type { CreatedSink, NewSinkRequest, SinkKind } from '../../api/api-types.js';
import { FormError } from './form-error.js';

const KINDS: readonly SinkKind[] = ['webhook', 'syslog', 'splunk_hec'];
const JSON_FORMATS = ['native', 'ocsf', 'ecs'] as const;
type JsonFormat = (typeof JSON_FORMATS)[number];
/** Each JSON kind's default format, as the API defaults it. */
const DEFAULT_FORMAT: Record<Exclude<SinkKind, 'syslog'>, JsonFormat> = { webhook: 'native', splunk_hec: 'ocsf' };

interface Fields {
  name: string;
  url: string;
  format: JsonFormat;
  secret: string;
  token: string;
  index: string;
  host: string;
  port: string;
  transport: 'tls' | 'tcp';
  facility: string;
  servername: string;
  ca: string;
  start: 'beginning' | 'now';
}

const EMPTY: Fields = { name: '', url: '', format: 'native', secret: '', token: '', index: '', host: '', port: '6514', transport: 'tls', facility: '13', servername: '', ca: '', start: 'beginning' };

/** The POST /sinks body for the kind: only the fields that kind takes, optional ones left out when empty. */
function requestOf(kind: SinkKind, fields: Fields): NewSinkRequest {
  const optional = (name: string, value: string) => (value.trim() === '' ? {} : { [name]: value.trim() });
  const common = { name: fields.name.trim(), start: fields.start, ...optional('ca', fields.ca) };
  switch (kind) {
    case 'webhook':
      // The secret goes as typed: trimming could change a secret the receiver also holds.
      return { ...common, kind, url: fields.url.trim(), format: fields.format, ...(fields.secret === '' ? {} : { secret: fields.secret }) };
    case 'splunk_hec':
      return { ...common, kind, url: fields.url.trim(), token: fields.token, format: fields.format, ...optional('index', fields.index) };
    case 'syslog':
      return {
        ...common,
        kind,
        host: fields.host.trim(),
        port: Number(fields.port),
        transport: fields.transport,
        facility: Number(fields.facility),
        ...optional('servername', fields.servername),
      };
  }
}

/**
 * POST /sinks: the fields of a webhook, syslog or Splunk HEC sink. Secrets are typed into password
 * fields and forgotten once the sink is added; the API refuses private targets unless allowed.
 */
export function AddSinkForm({ onCreated, onCancel }: { onCreated: (created: CreatedSink) => void; onCancel: () => void }) {
  const { t } = useTranslation('settings');
  const { t: tCommon } = useTranslation();
  const queryClient = useQueryClient();
  const id = useId();
  const [kind, setKind] = useState<SinkKind>('webhook');
  const [fields, setFields] = useState<Fields>(EMPTY);

  const create = useMutation({
    mutationFn: (body: NewSinkRequest) => apiRequest<CreatedSink>('POST', '/sinks', { body }),
    onSuccess: async (created) => {
      setFields(EMPTY);
      onCreated(created);
      await queryClient.invalidateQueries({ queryKey: ['sinks'] });
    },
  });

  function set<K extends keyof Fields>(name: K, value: Fields[K]) {
    setFields((previous) => ({ ...previous, [name]: value }));
  }

  function changeKind(next: SinkKind) {
    setKind(next);
    if (next !== 'syslog') set('format', DEFAULT_FORMAT[next]);
  }

  function submit(event: SyntheticEvent) {
    event.preventDefault();
    create.mutate(requestOf(kind, fields));
  }

  const row = (name: string, label: string, input: ReactNode, hint?: string, isOptional = false) => (
    <>
      <label htmlFor={`${id}-${name}`}>
        {label} {isOptional && <span className="muted">{t('sinks.form.optional')}</span>}
      </label>
      <div>
        {input}
        {hint !== undefined && (
          <p id={`${id}-${name}-hint`} className="muted settings-hint">
            {hint}
          </p>
        )}
      </div>
    </>
  );
  const described = (name: string) => ({ id: `${id}-${name}`, 'aria-describedby': `${id}-${name}-hint` });

  return (
    <form className="panel" aria-labelledby={`${id}-title`} onSubmit={submit}>
      <h3 id={`${id}-title`}>{t('sinks.form.title')}</h3>
      <div className="form-grid settings-form settings-sink-form">
        {row(
          'kind',
          t('sinks.form.kind'),
          <select id={`${id}-kind`} value={kind} onChange={(event) => changeKind(event.target.value as SinkKind)}>
            {KINDS.map((value) => (
              <option key={value} value={value}>
                {t(`sinks.kinds.${value}`)}
              </option>
            ))}
          </select>,
        )}
        {row('name', t('sinks.form.name'), <input {...described('name')} required autoComplete="off" value={fields.name} onChange={(event) => set('name', event.target.value)} />, t('sinks.form.nameHint'))}
        {kind !== 'syslog' &&
          row(
            'url',
            kind === 'webhook' ? t('sinks.form.url') : t('sinks.form.hecUrl'),
            <input {...described('url')} type="url" required autoComplete="off" className="settings-wide" value={fields.url} onChange={(event) => set('url', event.target.value)} />,
            kind === 'webhook' ? t('sinks.form.urlHint') : t('sinks.form.hecUrlHint'),
          )}
        {kind === 'syslog' && (
          <>
            {row('host', t('sinks.form.host'), <input id={`${id}-host`} required autoComplete="off" value={fields.host} onChange={(event) => set('host', event.target.value)} />)}
            {row('port', t('sinks.form.port'), <input id={`${id}-port`} type="number" required min={1} max={65_535} value={fields.port} onChange={(event) => set('port', event.target.value)} />)}
            {row(
              'transport',
              t('sinks.form.transport'),
              <select id={`${id}-transport`} value={fields.transport} onChange={(event) => set('transport', event.target.value as Fields['transport'])}>
                <option value="tls">{t('sinks.form.transports.tls')}</option>
                <option value="tcp">{t('sinks.form.transports.tcp')}</option>
              </select>,
            )}
            {row(
              'facility',
              t('sinks.form.facility'),
              <input {...described('facility')} type="number" required min={0} max={23} value={fields.facility} onChange={(event) => set('facility', event.target.value)} />,
              t('sinks.form.facilityHint'),
            )}
            {row(
              'servername',
              t('sinks.form.servername'),
              <input {...described('servername')} autoComplete="off" value={fields.servername} onChange={(event) => set('servername', event.target.value)} />,
              t('sinks.form.servernameHint'),
              true,
            )}
          </>
        )}
        {kind !== 'syslog' &&
          row(
            'format',
            t('sinks.form.format'),
            <select id={`${id}-format`} value={fields.format} onChange={(event) => set('format', event.target.value as JsonFormat)}>
              {JSON_FORMATS.map((value) => (
                <option key={value} value={value}>
                  {t(`sinks.form.formats.${value}`)}
                </option>
              ))}
            </select>,
          )}
        {kind === 'webhook' &&
          row(
            'secret',
            t('sinks.form.webhookSecret'),
            <input {...described('secret')} type="password" autoComplete="new-password" value={fields.secret} onChange={(event) => set('secret', event.target.value)} />,
            t('sinks.form.webhookSecretHint'),
            true,
          )}
        {kind === 'splunk_hec' && (
          <>
            {row('token', t('sinks.form.token'), <input id={`${id}-token`} type="password" required autoComplete="new-password" value={fields.token} onChange={(event) => set('token', event.target.value)} />)}
            {row('index', t('sinks.form.index'), <input {...described('index')} autoComplete="off" value={fields.index} onChange={(event) => set('index', event.target.value)} />, t('sinks.form.indexHint'), true)}
          </>
        )}
        {row(
          'ca',
          t('sinks.form.ca'),
          <textarea {...described('ca')} className="mono" spellCheck={false} value={fields.ca} onChange={(event) => set('ca', event.target.value)} />,
          t('sinks.form.caHint'),
          true,
        )}
        {row(
          'start',
          t('sinks.form.start'),
          <select id={`${id}-start`} value={fields.start} onChange={(event) => set('start', event.target.value as Fields['start'])}>
            <option value="beginning">{t('sinks.form.starts.beginning')}</option>
            <option value="now">{t('sinks.form.starts.now')}</option>
          </select>,
        )}
      </div>
      {create.isError && <FormError error={create.error} />}
      <div className="actions">
        <button type="submit" className="primary" disabled={create.isPending}>
          {create.isPending ? t('sinks.form.submitting') : t('sinks.form.submit')}
        </button>
        <button type="button" onClick={onCancel}>
          {tCommon('actions.cancel')}
        </button>
      </div>
    </form>
  );
}
