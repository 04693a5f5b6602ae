import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type ChangeEvent, type SyntheticEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { apiRequest } from '../../api/api-client.js';
import { ApiError } from '../../api/api-error.js';
import type { ImportAccountsResult } from '../../api/api-types.js';
import { ErrorMessage } from '../../components/error-message.js';
import { formatNumber } from '../../i18n/format.js';
import { ModalDialog } from '../../components/modal-dialog.js';

/**
 * CSV import: a file picked or text pasted is sent as text/csv; the reply's counts and every row
 * not imported (by line number, with the reason) are shown, as are the lines of an unreadable file.
 */
export function ImportAccountsDialog({ onClose, onImported }: { onClose: () => void; onImported: (result: ImportAccountsResult) => void }) {
  const { t } = useTranslation('accounts');
  const { t: tCommon } = useTranslation();
  const queryClient = useQueryClient();
  const ids = { file: useId(), text: useId(), explain: useId() };
  const [text, setText] = useState('');
  const [fileNote, setFileNote] = useState<string | undefined>(undefined);
  const [isEmpty, setEmpty] = useState(false);
  const importCsv = useMutation({
    mutationFn: (csv: string) => apiRequest<ImportAccountsResult>('POST', '/accounts/import', { rawBody: { contentType: 'text/csv', text: csv } }),
    onSuccess: (result) => {
      void queryClient.invalidateQueries({ queryKey: ['accounts'] });
      onImported(result);
    },
  });

  async function pickFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    if (file === undefined) return;
    setText(await file.text());
    setEmpty(false);
    setFileNote(t('import.fileChosen', { name: file.name, size: formatNumber(file.size) }));
  }

  function submit(event: SyntheticEvent) {
    event.preventDefault();
    if (text.trim() === '') {
      setEmpty(true);
      return;
    }
    setEmpty(false);
    importCsv.mutate(text);
  }

  const unreadable = importCsv.error instanceof ApiError && importCsv.error.status === 400 ? importCsv.error : undefined;
  return (
    <ModalDialog title={t('import.title')} onClose={onClose} className="accounts-dialog-wide">
      <form onSubmit={submit} aria-describedby={ids.explain} data-testid="import-accounts-form">
        <p id={ids.explain}>{t('import.explain')}</p>
        <details>
          <summary>{t('import.example')}</summary>
          <pre className="accounts-csv-example">{t('import.exampleCsv')}</pre>
        </details>
        <div className="accounts-field">
          <label htmlFor={ids.file}>{t('import.file')}</label>
          <input id={ids.file} type="file" accept=".csv,text/csv" onChange={(event) => void pickFile(event)} />
          {fileNote !== undefined && <span className="muted">{fileNote}</span>}
        </div>
        <div className="accounts-field">
          <label htmlFor={ids.text}>{t('import.paste')}</label>
          <textarea
            id={ids.text}
            className="mono accounts-csv-text"
            rows={8}
            spellCheck={false}
            value={text}
            aria-invalid={isEmpty || undefined}
            onChange={(event) => {
              setText(event.target.value);
              setEmpty(false);
            }}
          />
        </div>
        {isEmpty && (
          <p className="error-box" role="alert">
            {t('import.empty')}
          </p>
        )}
        <div className="actions">
          <button type="submit" className="primary" disabled={importCsv.isPending}>
            {importCsv.isPending ? t('import.submitting') : t('import.submit')}
          </button>
          <button type="button" onClick={onClose}>
            {tCommon('actions.close')}
          </button>
        </div>
      </form>
      {unreadable !== undefined && (
        <div className="error-box" role="alert" data-testid="import-unreadable">
          <p>{t('import.unreadable')}</p>
          <ul>
            {unreadable.problems.map((problem) => (
              <li key={`${problem.path}:${problem.message}`}>
                {problem.line === undefined ? `${problem.path}: ${problem.message}` : t('import.lineProblem', { line: problem.line, message: problem.message })}
              </li>
            ))}
          </ul>
        </div>
      )}
      {importCsv.error !== null && unreadable === undefined && <ErrorMessage error={importCsv.error} />}
      <div role="status">{importCsv.data !== undefined && <ImportResult result={importCsv.data} />}</div>
    </ModalDialog>
  );
}

function ImportResult({ result }: { result: ImportAccountsResult }) {
  const { t } = useTranslation('accounts');
  const ref = useRef<HTMLDivElement>(null);
  const badRows = countBadRows(result);
  useEffect(() => {
    // Braces: newer browsers' scrollIntoView returns a promise, which React would take for a cleanup.
    ref.current?.scrollIntoView({ block: 'nearest' });
  }, [result]);
  return (
    <div className="accounts-import-result" data-testid="import-result" ref={ref}>
      <p className={result.imported > 0 ? 'status-ok' : undefined}>
        <strong>{t('import.result', { count: result.imported })}</strong>
      </p>
      {result.skipped > 0 && <p>{t('import.skipped', { count: result.skipped })}</p>}
      {result.errors.length > 0 && (
        <>
          {badRows > 0 && <p className="status-bad">{t('import.problems', { count: badRows })}</p>}
          <table className="data accounts-import-problems">
            <caption>{t('import.problemsTable')}</caption>
            <thead>
              <tr>
                <th scope="col" className="num">
                  {t('import.line')}
                </th>
                <th scope="col">{t('import.problem')}</th>
              </tr>
            </thead>
            <tbody>
              {result.errors.map((error, index) => (
                <tr key={`${error.line}-${index}`}>
                  <td className="num">{error.line}</td>
                  <td>{error.problem}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted">{t('import.fixHint')}</p>
        </>
      )}
    </div>
  );
}

/** How many rows of an import were bad (not counting those skipped as registered already). */
export function countBadRows(result: ImportAccountsResult): number {
  // Every skipped row has one entry of its own: the other lines listed are bad rows.
  return new Set(result.errors.map((error) => error.line)).size - result.skipped;
}
