import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { englishResources, LANGUAGES, resources, type LanguageCode } from './resources.js';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'common';
    resources: typeof englishResources;
  }
}

const STORAGE_KEY = 'overshare.language';

function isLanguage(value: string | null | undefined): value is LanguageCode {
  return LANGUAGES.some((language) => language.code === value);
}

/** The language chosen before, else the browser's first one we speak, else English. */
export function initialLanguage(): LanguageCode {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (isLanguage(stored)) return stored;
  for (const tag of navigator.languages) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLanguage(base)) return base;
  }
  return 'en';
}

/** Switches the UI's language and remembers it in this browser. */
export async function changeLanguage(language: LanguageCode): Promise<void> {
  localStorage.setItem(STORAGE_KEY, language);
  document.documentElement.lang = language;
  await i18next.changeLanguage(language);
}

/** Starts i18next with every catalog bundled (nothing is fetched at run time). */
export async function startI18n(): Promise<void> {
  const language = initialLanguage();
  document.documentElement.lang = language;
  await i18next.use(initReactI18next).init({
    resources: resources as Record<string, Record<string, object>>,
    lng: language,
    fallbackLng: 'en',
    defaultNS: 'common',
    ns: Object.keys(englishResources),
    // React escapes what it renders: i18next must not escape a second time.
    interpolation: { escapeValue: false },
    returnNull: false,
  });
}
