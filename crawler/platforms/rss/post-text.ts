// Letters and digits only, lower case: titles differ from bodies in quotes, dashes and ellipses.
const comparable = (text: string): string => text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');

/**
 * The text of a titled post: title, blank line, body; just the body when the title merely repeats
 * its beginning (microblog feeds and untitled posts whose title is the first words), just the title
 * when there is no body.
 */
export function postText(title: string, body: string): string {
  const cleanTitle = title.trim().replace(/(?:\.\.\.|…|\[…\]|\[\.\.\.\])$/u, '').trim();
  const cleanBody = body.trim();
  if (cleanTitle === '') return cleanBody;
  if (cleanBody === '') return title.trim();
  const titleKey = comparable(cleanTitle);
  if (titleKey === '' || comparable(cleanBody).startsWith(titleKey)) return cleanBody;
  return `${title.trim()}\n\n${cleanBody}`;
}
