/** The raster formats the OCR stage accepts: the ones social platforms serve and libvips decodes without plugins. */
export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif';

/** Bytes that must appear at `offset`, written as latin1 so that each character is one byte. */
type Part = readonly [offset: number, bytes: string];

interface Signature {
  /** What a person would call the format, for messages. */
  readonly name: string;
  /** Set for the formats we decode; every other signature is only there to say what was refused. */
  readonly format?: ImageFormat;
  /** Every part must match. */
  readonly parts: readonly Part[];
}

// ISO base media files carry their kind in the `ftyp` brand: these are still images, the rest is video.
const HEIF_BRANDS = ['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs', 'mif1', 'msf1', 'avif', 'avis'];

/** Magic numbers long enough that text never starts with them by chance; first match wins. */
const SIGNATURES: readonly Signature[] = [
  { name: 'JPEG', format: 'jpeg', parts: [[0, '\xff\xd8\xff']] },
  { name: 'PNG', format: 'png', parts: [[0, '\x89PNG\r\n\x1a\n']] },
  { name: 'GIF', format: 'gif', parts: [[0, 'GIF87a']] },
  { name: 'GIF', format: 'gif', parts: [[0, 'GIF89a']] },
  { name: 'WebP', format: 'webp', parts: [[0, 'RIFF'], [8, 'WEBP']] },
  { name: 'TIFF', parts: [[0, 'II*\x00']] },
  { name: 'TIFF', parts: [[0, 'MM\x00*']] },
  { name: 'TIFF', parts: [[0, 'II+\x00']] },
  ...HEIF_BRANDS.map((brand): Signature => ({ name: 'HEIF/AVIF', parts: [[4, `ftyp${brand}`]] })),
  { name: 'MP4/QuickTime video', parts: [[4, 'ftyp']] },
  { name: 'JPEG 2000', parts: [[0, '\x00\x00\x00\x0cjP  \r\n\x87\n']] },
  { name: 'JPEG 2000', parts: [[0, '\xff\x4f\xff\x51']] },
  { name: 'JPEG XL', parts: [[0, '\x00\x00\x00\x0cJXL \r\n\x87\n']] },
  { name: 'JPEG XL', parts: [[0, '\xff\x0a']] },
  { name: 'PDF', parts: [[0, '%PDF-']] },
  { name: 'ZIP', parts: [[0, 'PK\x03\x04']] },
  { name: 'ZIP', parts: [[0, 'PK\x05\x06']] },
  { name: 'gzip', parts: [[0, '\x1f\x8b']] },
  { name: 'Photoshop PSD', parts: [[0, '8BPS']] },
  { name: 'ICO', parts: [[0, '\x00\x00\x01\x00']] },
  { name: 'RIFF (AVI/WAV)', parts: [[0, 'RIFF']] },
  { name: 'ELF executable', parts: [[0, '\x7fELF']] },
];

/** Two-letter magic numbers that ordinary text can start with ("BMW…", "MZ…"), so they are tried after text. */
const WEAK_SIGNATURES: readonly Signature[] = [
  { name: 'BMP', parts: [[0, 'BM']] },
  { name: 'Windows executable', parts: [[0, 'MZ']] },
];

// Enough to see past an XML declaration, a DOCTYPE and a licence comment to the root element.
const TEXT_HEAD_BYTES = 2048;

/**
 * The format of an image from its magic bytes alone, or undefined when the bytes are none of the
 * four accepted formats; the file name and the server's content type are never consulted, since
 * both are set by whoever uploaded the file.
 */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  return SIGNATURES.find((signature) => matches(bytes, signature))?.format;
}

/**
 * A short name for what the bytes look like ('JPEG', 'SVG', 'HTML', 'PDF', 'ZIP', 'text',
 * 'HEIF/AVIF', 'unknown data' …), so that a refusal can tell the user what they actually sent.
 */
export function describeBytes(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'nothing (0 bytes)';
  const signature = SIGNATURES.find((candidate) => matches(bytes, candidate));
  if (signature !== undefined) return signature.name;
  const text = readTextHead(bytes);
  if (text !== undefined) return describeText(text);
  return WEAK_SIGNATURES.find((candidate) => matches(bytes, candidate))?.name ?? 'unknown data';
}

function matches(bytes: Uint8Array, signature: Signature): boolean {
  return signature.parts.every(([offset, magic]) => {
    if (bytes.length < offset + magic.length) return false;
    for (let index = 0; index < magic.length; index += 1) {
      if (bytes[offset + index] !== magic.charCodeAt(index)) return false;
    }
    return true;
  });
}

/** The start of the bytes as a string when they read as UTF-8 text without control characters. */
function readTextHead(bytes: Uint8Array): string | undefined {
  const head = bytes.subarray(0, TEXT_HEAD_BYTES);
  const isControl = (byte: number) => (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0c && byte !== 0x0d) || byte === 0x7f;
  if (head.some(isControl)) return undefined;
  try {
    // `stream` keeps a character cut in two at the end of the head from counting as invalid.
    return new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
  } catch {
    return undefined;
  }
}

// What may come before the root element of an XML or HTML document; group 1 is a DOCTYPE's name, group 2 the root.
const ROOT_ELEMENT = /^(?:\s|<\?xml[^>]*>|<!--[\s\S]*?-->|<!doctype\s+([a-z]+)[^>]*>)*<([a-z][\w:-]*)/u;
const HTML_ELEMENTS = new Set(['html', 'head', 'body', 'script', 'iframe', 'meta', 'title', 'style', 'link', 'div', 'p', 'a', 'img', 'form']);

/** Markup is named after its root element, so that an SVG carrying a <script> is still an SVG. */
function describeText(text: string): string {
  const head = text.toLowerCase();
  const [, doctype, root] = ROOT_ELEMENT.exec(head) ?? [];
  if (root === 'svg' || root === 'svg:svg' || doctype === 'svg') return 'SVG';
  if (doctype === 'html' || (root !== undefined && HTML_ELEMENTS.has(root))) return 'HTML';
  return head.trimStart().startsWith('<?xml') ? 'XML' : 'text';
}
