/** Charsets the blog fixtures serve besides UTF-8. */
export type LegacyCharset = 'windows-1251' | 'iso-8859-2';

const tables = new Map<LegacyCharset, Map<string, number>>();

// Node can decode these charsets but not encode them: build the reverse of TextDecoder's table.
const tableOf = (charset: LegacyCharset): Map<string, number> => {
  let table = tables.get(charset);
  if (table === undefined) {
    table = new Map();
    const decoder = new TextDecoder(charset);
    for (let byte = 0; byte < 256; byte += 1) {
      const char = decoder.decode(Uint8Array.of(byte));
      if (char !== '\uFFFD' && !table.has(char)) table.set(char, byte);
    }
    tables.set(charset, table);
  }
  return table;
};

/**
 * XML text encoded in a single-byte charset, as a server in that charset sends it: characters the
 * charset lacks (Greek in windows-1251, Cyrillic in ISO-8859-2) become numeric character references.
 * Only for text where a reference is legal (element content and attributes, not CDATA or names).
 */
export function encodeLegacyCharset(xml: string, charset: LegacyCharset): Buffer {
  const table = tableOf(charset);
  const bytes: number[] = [];
  for (const char of xml) {
    const byte = table.get(char);
    if (byte !== undefined) bytes.push(byte);
    else for (const unit of Buffer.from(`&#${char.codePointAt(0) ?? 63};`, 'latin1')) bytes.push(unit);
  }
  return Buffer.from(bytes);
}
