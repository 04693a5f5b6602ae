import { describe, expect, it } from 'vitest';
import { englishResources, LANGUAGES, resources } from './resources.js';

const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/u;

/** Every leaf of a catalog as `path → text`. */
function leaves(catalog: unknown, prefix = ''): Map<string, string> {
  const found = new Map<string, string>();
  if (typeof catalog !== 'object' || catalog === null) return found;
  for (const [key, value] of Object.entries(catalog)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (typeof value === 'string') found.set(path, value);
    else for (const [inner, text] of leaves(value, path)) found.set(inner, text);
  }
  return found;
}

const placeholders = (text: string): string[] => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/gu)].map((match) => match[1] ?? '').sort();

/** English's keys with plural forms folded to their base (`count_one`, `count_other` → `count`). */
function expectedKeys(english: Map<string, string>): { plain: string[]; plural: string[] } {
  const plain: string[] = [];
  const plural = new Set<string>();
  for (const key of english.keys()) {
    if (PLURAL_SUFFIX.test(key)) plural.add(key.replace(PLURAL_SUFFIX, ''));
    else plain.push(key);
  }
  return { plain, plural: [...plural] };
}

describe('the UI catalogs', () => {
  const namespaces = Object.keys(englishResources) as (keyof typeof englishResources)[];

  for (const { code } of LANGUAGES.filter((language) => language.code !== 'en')) {
    it(`${code} translates every English text, with the same placeholders and every plural form ${code} needs`, () => {
      const categories = new Intl.PluralRules(code).resolvedOptions().pluralCategories;
      const problems: string[] = [];
      for (const namespace of namespaces) {
        const english = leaves(englishResources[namespace]);
        const translated = leaves(resources[code][namespace]);
        const { plain, plural } = expectedKeys(english);
        for (const key of plain) {
          const text = translated.get(key);
          if (text === undefined || text.trim() === '') problems.push(`${namespace}:${key} is missing`);
          else if (placeholders(text).join() !== placeholders(english.get(key) ?? '').join()) problems.push(`${namespace}:${key} has placeholders ${placeholders(text).join()} instead of ${placeholders(english.get(key) ?? '').join()}`);
        }
        for (const base of plural) {
          for (const category of categories) {
            if (!translated.has(`${base}_${category}`)) problems.push(`${namespace}:${base}_${category} is missing`);
          }
        }
        const known = new Set([...plain, ...plural.flatMap((base) => categories.map((category) => `${base}_${category}`))]);
        for (const key of translated.keys()) if (!known.has(key)) problems.push(`${namespace}:${key} is not an English key`);
      }
      expect(problems).toEqual([]);
    });
  }

  it('English uses i18next plural forms for counted texts, never a bare count', () => {
    const problems: string[] = [];
    for (const namespace of namespaces) {
      for (const [key, text] of leaves(englishResources[namespace])) {
        if (placeholders(text).includes('count') && !PLURAL_SUFFIX.test(key)) problems.push(`${namespace}:${key}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
