import { useState, type SyntheticEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ModalDialog } from '../../components/modal-dialog.js';
import { withoutPersonalFilters } from './findings-filters.js';

/** A named filter set: the queue's URL query string. */
export interface SavedView {
  name: string;
  search: string;
}

const MAX_VIEWS = 50;

function storageKey(userId: string): string {
  return `overshare.findings.views.${userId}`;
}

function loadViews(userId: string): SavedView[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(storageKey(userId)) ?? '[]');
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (view): view is SavedView => typeof view === 'object' && view !== null && typeof (view as SavedView).name === 'string' && typeof (view as SavedView).search === 'string',
    );
  } catch {
    return [];
  }
}

/**
 * The signed-in user's saved views of the queue, kept in this browser's localStorage under their
 * user id: recall one (its filters replace the URL's), save the current filters under a name
 * (replacing a view of that name), delete one.
 */
export function SavedViews({ userId, currentSearch, onRecall }: { userId: string; currentSearch: string; onRecall: (search: string) => void }) {
  const { t } = useTranslation('findings');
  const [views, setViews] = useState<SavedView[]>(() => loadViews(userId));
  const [chosen, setChosen] = useState('');
  const [isSaving, setSaving] = useState(false);
  const [draftName, setDraftName] = useState('');
  const [status, setStatus] = useState('');

  function store(next: SavedView[]) {
    setViews(next);
    try {
      localStorage.setItem(storageKey(userId), JSON.stringify(next));
    } catch {
      // A full or disabled storage keeps the views for this page only.
    }
  }

  function save(event: SyntheticEvent) {
    event.preventDefault();
    const name = draftName.trim();
    if (name === '') return;
    store([...views.filter((view) => view.name !== name), { name, search: withoutPersonalFilters(currentSearch) }].slice(-MAX_VIEWS));
    setChosen(name);
    setSaving(false);
    setStatus(t('views.saved', { name }));
  }

  function remove() {
    if (chosen === '') return;
    store(views.filter((view) => view.name !== chosen));
    setStatus(t('views.deleted', { name: chosen }));
    setChosen('');
  }

  const isReplacing = views.some((view) => view.name === draftName.trim());

  return (
    <div className="toolbar findings-views">
      <div className="field">
        <label htmlFor="findings-view">{t('views.choose')}</label>
        <select
          id="findings-view"
          value={chosen}
          onChange={(event) => {
            const name = event.target.value;
            setChosen(name);
            const view = views.find((each) => each.name === name);
            if (view) onRecall(view.search);
          }}
        >
          <option value="">{t('views.none')}</option>
          {views.map((view) => (
            <option key={view.name} value={view.name}>
              {view.name}
            </option>
          ))}
        </select>
      </div>
      <button
        type="button"
        onClick={() => {
          setDraftName(chosen);
          setSaving(true);
        }}
      >
        {t('views.save')}
      </button>
      {chosen !== '' && (
        <button type="button" className="danger" onClick={remove} aria-label={t('views.deleteNamed', { name: chosen })}>
          {t('views.delete')}
        </button>
      )}
      <span className="muted" role="status">
        {status}
      </span>
      <ModalDialog isOpen={isSaving} title={t('views.saveTitle')} onClose={() => setSaving(false)}>
        <form onSubmit={save}>
          <label htmlFor="findings-view-name">{t('views.name')}</label>
          <input id="findings-view-name" className="findings-wide" value={draftName} required maxLength={100} onChange={(event) => setDraftName(event.target.value)} />
          {isReplacing && <p className="muted">{t('views.replaces')}</p>}
          <p className="muted">{t('privacy.viewsLeaveOut', { ns: 'common' })}</p>
          <div className="actions">
            <button type="submit" className="primary">
              {t('actions.save', { ns: 'common' })}
            </button>
            <button type="button" onClick={() => setSaving(false)}>
              {t('actions.cancel', { ns: 'common' })}
            </button>
          </div>
        </form>
      </ModalDialog>
    </div>
  );
}
