import { describe, expect, it } from 'vitest';
import { CATEGORIES } from '../../core/policy-schema.js';
import { OWNER_NOTICE_LANGUAGES, OWNER_NOTICE_PLACEHOLDERS, OWNER_NOTICE_TEMPLATES } from './owner-notice-templates.js';
import { prepareOwnerNotice } from './prepare-owner-notice.js';

const PARTS = Object.keys(OWNER_NOTICE_PLACEHOLDERS) as Array<keyof typeof OWNER_NOTICE_PLACEHOLDERS>;

function placeholdersIn(text: string): string[] {
  return [...text.matchAll(/\{([^{}]*)\}/gu)].map((match) => match[1] ?? '').sort();
}

describe('owner notice templates', () => {
  it('give every language every placeholder of every part, each exactly once, and no other', () => {
    const mismatches: string[] = [];
    for (const language of OWNER_NOTICE_LANGUAGES) {
      for (const part of PARTS) {
        const found = placeholdersIn(OWNER_NOTICE_TEMPLATES[language][part]);
        const expected = [...OWNER_NOTICE_PLACEHOLDERS[part]].sort();
        if (JSON.stringify(found) !== JSON.stringify(expected)) mismatches.push(`${language}.${part}: ${found.join(', ')} instead of ${expected.join(', ')}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('name every category in plain words in every language, with no placeholder in them', () => {
    for (const language of OWNER_NOTICE_LANGUAGES) {
      const { categories } = OWNER_NOTICE_TEMPLATES[language];
      expect(Object.keys(categories).sort(), language).toEqual([...CATEGORIES].sort());
      for (const category of CATEGORIES) {
        expect(categories[category].trim(), `${language}.${category}`).not.toBe('');
        expect(placeholdersIn(categories[category]), `${language}.${category}`).toEqual([]);
        expect(categories[category], `${language}.${category}`).not.toContain('_');
      }
    }
  });

  it('are written in each language, not copied from English', () => {
    for (const language of OWNER_NOTICE_LANGUAGES.filter((each) => each !== 'en')) {
      for (const part of ['subject', 'body', 'takeoverSubject', 'takeoverBody', 'signature'] as const) {
        expect(OWNER_NOTICE_TEMPLATES[language][part], `${language}.${part}`).not.toBe(OWNER_NOTICE_TEMPLATES.en[part]);
      }
    }
  });
});

describe('prepareOwnerNotice', () => {
  const input = {
    ownerName: 'Anna Kowalska',
    postUrl: 'https://social.example/@anna/42',
    postDate: new Date('2026-11-01T10:00:00Z'),
    category: 'marking' as const,
    organisation: 'Halvard Aero',
  };

  it('fills in the name, the post URL and date, the category and the organisation, leaving no placeholder', () => {
    for (const language of OWNER_NOTICE_LANGUAGES) {
      const notice = prepareOwnerNotice({ ...input, language });
      expect(notice.body, language).toContain('Anna Kowalska');
      expect(notice.body, language).toContain('https://social.example/@anna/42');
      expect(notice.body, language).toContain('Halvard Aero');
      expect(notice.body, language).toContain(OWNER_NOTICE_TEMPLATES[language].categories.marking);
      expect(notice.body, language).toContain('2026');
      expect(placeholdersIn(`${notice.subject}${notice.body}`), language).toEqual([]);
    }
  });

  it('writes the date the way the language does', () => {
    expect(prepareOwnerNotice({ ...input, language: 'en' }).body).toContain('November 1, 2026');
    expect(prepareOwnerNotice({ ...input, language: 'ru' }).body).toContain('1 ноября 2026');
    expect(prepareOwnerNotice({ ...input, language: 'uk' }).body).toContain('1 листопада 2026');
    expect(prepareOwnerNotice({ ...input, language: 'pl' }).body).toContain('1 listopada 2026');
    expect(prepareOwnerNotice({ ...input, language: 'el' }).body).toContain('1 Νοεμβρίου 2026');
  });

  it('asks the owner of a possibly hijacked account to secure it rather than to delete the post', () => {
    for (const language of OWNER_NOTICE_LANGUAGES) {
      const notice = prepareOwnerNotice({ ...input, category: 'takeover', language });
      const template = OWNER_NOTICE_TEMPLATES[language];
      expect(notice.subject, language).toBe(template.takeoverSubject);
      expect(notice.body, language).toContain(template.categories.takeover);
      expect(notice.body, language).toContain('https://social.example/@anna/42');
      expect(notice.subject, language).not.toBe(template.subject);
      expect(notice.body, language).not.toContain(template.body.split('{post_url}')[1]?.split('{organisation}')[0]?.trim());
      expect(placeholdersIn(`${notice.subject}${notice.body}`), language).toEqual([]);
    }
    expect(prepareOwnerNotice({ ...input, category: 'takeover', language: 'en' }).body).toContain('change its password');
  });

  it('greets without a name when the owner is unknown', () => {
    const notice = prepareOwnerNotice({ ...input, ownerName: null, language: 'en' });
    expect(notice.body.startsWith('Hello,\n\n')).toBe(true);
    expect(prepareOwnerNotice({ ...input, ownerName: '  ', language: 'pl' }).body.startsWith('Dzień dobry!\n\n')).toBe(true);
  });

  it('keeps a name that looks like a placeholder as text', () => {
    const notice = prepareOwnerNotice({ ...input, ownerName: '{post_url}', language: 'en' });
    expect(notice.body.startsWith('Dear {post_url},\n\n')).toBe(true);
  });
});
