import { common as enCommon } from './locales/en/common.js';
import { findings as enFindings } from './locales/en/findings.js';
import { accounts as enAccounts } from './locales/en/accounts.js';
import { scans as enScans } from './locales/en/scans.js';
import { rules as enRules } from './locales/en/rules.js';
import { audit as enAudit } from './locales/en/audit.js';
import { settings as enSettings } from './locales/en/settings.js';
import { coverage as enCoverage } from './locales/en/coverage.js';
import { common as ruCommon } from './locales/ru/common.js';
import { findings as ruFindings } from './locales/ru/findings.js';
import { accounts as ruAccounts } from './locales/ru/accounts.js';
import { scans as ruScans } from './locales/ru/scans.js';
import { rules as ruRules } from './locales/ru/rules.js';
import { audit as ruAudit } from './locales/ru/audit.js';
import { settings as ruSettings } from './locales/ru/settings.js';
import { coverage as ruCoverage } from './locales/ru/coverage.js';
import { common as ukCommon } from './locales/uk/common.js';
import { findings as ukFindings } from './locales/uk/findings.js';
import { accounts as ukAccounts } from './locales/uk/accounts.js';
import { scans as ukScans } from './locales/uk/scans.js';
import { rules as ukRules } from './locales/uk/rules.js';
import { audit as ukAudit } from './locales/uk/audit.js';
import { settings as ukSettings } from './locales/uk/settings.js';
import { coverage as ukCoverage } from './locales/uk/coverage.js';
import { common as plCommon } from './locales/pl/common.js';
import { findings as plFindings } from './locales/pl/findings.js';
import { accounts as plAccounts } from './locales/pl/accounts.js';
import { scans as plScans } from './locales/pl/scans.js';
import { rules as plRules } from './locales/pl/rules.js';
import { audit as plAudit } from './locales/pl/audit.js';
import { settings as plSettings } from './locales/pl/settings.js';
import { coverage as plCoverage } from './locales/pl/coverage.js';
import { common as elCommon } from './locales/el/common.js';
import { findings as elFindings } from './locales/el/findings.js';
import { accounts as elAccounts } from './locales/el/accounts.js';
import { scans as elScans } from './locales/el/scans.js';
import { rules as elRules } from './locales/el/rules.js';
import { audit as elAudit } from './locales/el/audit.js';
import { settings as elSettings } from './locales/el/settings.js';
import { coverage as elCoverage } from './locales/el/coverage.js';

/** The languages the UI speaks, in the order the language menu lists them, each named in itself. */
export const LANGUAGES = [
  { code: 'en', name: 'English' },
  { code: 'ru', name: 'Русский' },
  { code: 'uk', name: 'Українська' },
  { code: 'pl', name: 'Polski' },
  { code: 'el', name: 'Ελληνικά' },
] as const;

export type LanguageCode = (typeof LANGUAGES)[number]['code'];

/** English is complete and the fallback: a key missing in another language shows in English. */
export const englishResources = {
  common: enCommon,
  findings: enFindings,
  accounts: enAccounts,
  scans: enScans,
  rules: enRules,
  audit: enAudit,
  settings: enSettings,
  coverage: enCoverage,
};

export type Namespace = keyof typeof englishResources;

/** Every language's catalogs; each namespace object has English's shape (checked by the catalog test). */
export const resources: Record<LanguageCode, Partial<Record<Namespace, unknown>>> = {
  en: englishResources,
  ru: { common: ruCommon, findings: ruFindings, accounts: ruAccounts, scans: ruScans, rules: ruRules, audit: ruAudit, settings: ruSettings, coverage: ruCoverage },
  uk: { common: ukCommon, findings: ukFindings, accounts: ukAccounts, scans: ukScans, rules: ukRules, audit: ukAudit, settings: ukSettings, coverage: ukCoverage },
  pl: { common: plCommon, findings: plFindings, accounts: plAccounts, scans: plScans, rules: plRules, audit: plAudit, settings: plSettings, coverage: plCoverage },
  el: { common: elCommon, findings: elFindings, accounts: elAccounts, scans: elScans, rules: elRules, audit: elAudit, settings: elSettings, coverage: elCoverage },
};
