import { useTranslation } from 'react-i18next';
import { ModalDialog } from '../../components/modal-dialog.js';

/** The keys of the queue and of the detail page, as `?` shows them; `isTriage` keys need findings:triage. */
const SHORTCUTS = {
  queue: [
    { key: 'j', action: 'next', isTriage: false },
    { key: 'k', action: 'previous', isTriage: false },
    { key: 'Enter', action: 'open', isTriage: false },
    { key: 'x', action: 'toggle', isTriage: true },
    { key: 'c', action: 'confirm', isTriage: true },
    { key: 'f', action: 'falsePositive', isTriage: true },
    { key: 'a', action: 'assign', isTriage: true },
    { key: 'r', action: 'review', isTriage: true },
    { key: '/', action: 'search', isTriage: false },
    { key: '?', action: 'help', isTriage: false },
  ],
  detail: [
    { key: 'j', action: 'detailNext', isTriage: false },
    { key: 'k', action: 'detailPrevious', isTriage: false },
    { key: 'Esc', action: 'back', isTriage: false },
    { key: '?', action: 'help', isTriage: false },
  ],
} as const;

/** The page's keyboard shortcuts in a modal dialog; triage keys only for roles that may triage. */
export function ShortcutHelpDialog({ isOpen, page, canTriage, onClose }: { isOpen: boolean; page: keyof typeof SHORTCUTS; canTriage: boolean; onClose: () => void }) {
  const { t } = useTranslation('findings');
  const shortcuts: readonly (typeof SHORTCUTS)[keyof typeof SHORTCUTS][number][] = SHORTCUTS[page];
  return (
    <ModalDialog isOpen={isOpen} title={t('shortcuts.title')} onClose={onClose}>
      <p className="muted">{t('shortcuts.intro')}</p>
      <dl className="findings-shortcuts">
        {shortcuts
          .filter((shortcut) => canTriage || !shortcut.isTriage)
          .map((shortcut) => (
            <div key={shortcut.action}>
              <dt>
                <kbd>{shortcut.key}</kbd>
              </dt>
              <dd>{t(`shortcuts.${shortcut.action}`)}</dd>
            </div>
          ))}
      </dl>
      {page === 'queue' && canTriage && <p className="muted">{t('shortcuts.selectionNote')}</p>}
    </ModalDialog>
  );
}
