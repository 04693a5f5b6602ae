/**
 * Decodes a page or feed body to text, from the charset the body and its headers declare: a byte
 * order mark first, then the Content-Type charset, then an XML declaration, then an HTML
 * `<meta>` in the first 2 KB, else UTF-8. An unknown charset name falls back to UTF-8; it never
 * throws. Invalid byte sequences become U+FFFD.
 */
export function decodeText(body: Buffer, contentType: string | undefined): string {
  const fromBom = bomEncoding(body);
  if (fromBom !== undefined) return decodeWith(fromBom, body);
  const fromHeader = charsetParameter(contentType);
  const fromDocument = declaredInDocument(body);
  // A server that labels every answer UTF-8 is common; when the bytes are not UTF-8 and the
  // document names its own charset (a feed in ISO-8859-2 behind such a server), the document wins.
  if (fromHeader !== undefined && isKnownEncoding(fromHeader)) {
    const isUtf8Label = /^utf-?8$/iu.test(fromHeader.trim());
    if (isUtf8Label && fromDocument !== undefined && !/^utf-?8$/iu.test(fromDocument.trim()) && !isValidUtf8(body)) {
      return decodeWith(fromDocument, body);
    }
    return decodeWith(fromHeader, body);
  }
  if (fromDocument !== undefined) return decodeWith(fromDocument, body);
  return decodeWith('utf-8', body);
}

// How far into the body a declaration is looked for (HTML's prescan reads 1024 bytes; feeds and
// sloppy pages put theirs a little later).
const PRESCAN_BYTES = 2048;

function bomEncoding(body: Buffer): string | undefined {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return 'utf-8';
  if (body[0] === 0xff && body[1] === 0xfe) return 'utf-16le';
  if (body[0] === 0xfe && body[1] === 0xff) return 'utf-16be';
  return undefined;
}

/** The `charset` parameter of a Content-Type value, unquoted, or undefined. */
function charsetParameter(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  const match = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/iu.exec(contentType);
  const value = (match?.[1] ?? match?.[2] ?? '').trim();
  return value === '' ? undefined : value;
}

/** An encoding named by an XML declaration or an HTML `<meta>`, read as ASCII from the body's start. */
function declaredInDocument(body: Buffer): string | undefined {
  // latin1 maps every byte to one character, so ASCII markup reads the same in any ASCII-compatible charset.
  const head = body.subarray(0, PRESCAN_BYTES).toString('latin1');
  const candidates = [
    /^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([^"']+)["']/iu.exec(head)?.[1],
    /<meta\s[^>]*?charset\s*=\s*["']?\s*([^\s"'/>;]+)/iu.exec(head)?.[1],
  ];
  for (const candidate of candidates) {
    if (candidate === undefined || !isKnownEncoding(candidate)) continue;
    // A document readable as ASCII cannot be UTF-16, whatever it says (the HTML standard's rule).
    return /^utf-?16/iu.test(candidate.trim()) ? 'utf-8' : candidate;
  }
  return undefined;
}

function isValidUtf8(body: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(body);
    return true;
  } catch {
    return false;
  }
}

function isKnownEncoding(label: string): boolean {
  try {
    new TextDecoder(label.trim());
    return true;
  } catch {
    return false;
  }
}

function decodeWith(label: string, body: Buffer): string {
  try {
    return new TextDecoder(label.trim()).decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}
