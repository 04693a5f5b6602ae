import type { Category } from '../../core/policy-schema.js';
import { OWNER_NOTICE_TEMPLATES, type OwnerNoticeLanguage } from './owner-notice-templates.js';

/** What a notice is built from: the post's address and date, the finding's category, and who is written to. */
export interface OwnerNoticeInput {
  language: OwnerNoticeLanguage;
  ownerName: string | null;
  postUrl: string;
  postDate: Date;
  category: Category;
  organisation: string;
}

/** A notice ready to send: plain text, never any of the evidence. */
export interface OwnerNotice {
  subject: string;
  body: string;
}

/**
 * Writes the notice asking an account's owner to remove a post (for a `takeover` finding, to
 * secure the account), in their language: the post is named by its URL and its date (a long date
 * in that language, UTC) and what it holds by the category in plain words. Values are put in as given, in one pass: a name that looks like a
 * placeholder stays text. The result is plain text, to be escaped wherever it is shown as HTML.
 */
export function prepareOwnerNotice(input: OwnerNoticeInput): OwnerNotice {
  const template = OWNER_NOTICE_TEMPLATES[input.language];
  const values: Record<string, string> = {
    name: input.ownerName?.trim() ?? '',
    post_url: input.postUrl,
    post_date: new Intl.DateTimeFormat(input.language, { dateStyle: 'long', timeZone: 'UTC' }).format(input.postDate),
    category: template.categories[input.category],
    organisation: input.organisation,
  };
  const fill = (text: string): string => text.replace(/\{([a-z_]+)\}/gu, (whole, name: string) => values[name] ?? whole);
  const greeting = values.name === '' ? template.greetingUnnamed : fill(template.greetingNamed);
  // A takeover is no post to delete: the owner is asked to secure the account.
  const isTakeover = input.category === 'takeover';
  return {
    subject: fill(isTakeover ? template.takeoverSubject : template.subject),
    body: `${greeting}\n\n${fill(isTakeover ? template.takeoverBody : template.body)}\n\n${fill(template.signature)}\n`,
  };
}
