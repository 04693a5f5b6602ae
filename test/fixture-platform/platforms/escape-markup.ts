/** `text` safe inside HTML or XML text and double-quoted attributes: & < > " ' escaped as entities. */
export function escapeMarkup(text: string): string {
  return text.replace(/&/gu, '&amp;').replace(/</gu, '&lt;').replace(/>/gu, '&gt;').replace(/"/gu, '&quot;').replace(/'/gu, '&#39;');
}
