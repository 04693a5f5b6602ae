import { crc32, deflateSync } from 'node:zlib';
import type { ImageLimits } from '../../ocr/decode-image.js';

// Hostile and awkward image files for the OCR stage, built in memory on every run: nothing binary
// is committed, and each file shows in code exactly what makes it hostile.

/** The limits the files are built around: `big` is just over maxPixels, `oversized` just over maxBytes. */
export const HOSTILE_IMAGE_LIMITS: ImageLimits = { maxBytes: 4 * 1024 * 1024, maxPixels: 1_000_000, timeoutMs: 10_000 };

/** A file as the crawler would hand it over: the name it was found under and its bytes. */
export interface HostileFile {
  name: string;
  bytes: Buffer;
}

interface RawPixels {
  width: number;
  height: number;
  channels: 3 | 4;
  /** Set for an animation: the pixels are the frames stacked top to bottom. */
  pageHeight?: number;
}

interface EncoderPipeline {
  jpeg(options?: { quality?: number }): EncoderPipeline;
  png(): EncoderPipeline;
  webp(options?: { lossless?: boolean }): EncoderPipeline;
  gif(): EncoderPipeline;
  tiff(): EncoderPipeline;
  avif(): EncoderPipeline;
  withMetadata(options: { orientation: number }): EncoderPipeline;
  toBuffer(): Promise<Buffer>;
}

/**
 * The slice of sharp the generator encodes with. Callers pass `sharp` itself: STYLE.md keeps sharp
 * imports under ocr/, so test/ receives it rather than importing it.
 */
export type ImageEncoder = (pixels: Buffer, options: { raw: RawPixels }) => EncoderPipeline;

type Rgb = readonly [number, number, number];
type Rgba = readonly [number, number, number, number];

export const RED: Rgb = [255, 0, 0];
const GREEN: Rgb = [0, 255, 0];
export const BLUE: Rgb = [0, 0, 255];
export const BLACK: Rgb = [0, 0, 0];
export const WHITE: Rgb = [255, 255, 255];

/** Every file of the set, by what it is; `buildHostileImages` makes them. */
export interface HostileImages {
  /** A normal 64×48 JPEG, dark left half and light right half. */
  normalJpeg: HostileFile;
  empty: HostileFile;
  /** A valid noisy JPEG cut at half its length. */
  truncatedJpeg: HostileFile;
  /** The normal JPEG with stray bytes before its frame header: libjpeg warns ("extraneous bytes") and decodes on. */
  damagedJpeg: HostileFile;
  /** JPEG magic bytes followed by nothing sensible. */
  jpegMagicOnly: HostileFile;
  /** A PNG whose IHDR chunk has a wrong CRC. */
  pngWithBadCrc: HostileFile;
  /** A 69-byte PNG whose header declares 100000×100000 pixels: 30 GB of RGB if anyone believed it. */
  pngBomb: HostileFile;
  /** A 16×8 GIF whose frame descriptor claims 60000×60000 pixels. */
  gifBomb: HostileFile;
  /** A valid 1200×1000 PNG, over HOSTILE_IMAGE_LIMITS.maxPixels. */
  big: HostileFile;
  /** One byte over HOSTILE_IMAGE_LIMITS.maxBytes: a valid JPEG padded with zeros. */
  oversized: HostileFile;
  svg: HostileFile;
  /** An SVG (with a script and a file:// reference) under a .png name. */
  svgNamedPng: HostileFile;
  htmlNamedJpg: HostileFile;
  pdfNamedJpg: HostileFile;
  textNamedPng: HostileFile;
  /** A real TIFF, which sharp would decode if it were asked. */
  tiff: HostileFile;
  /** A real AVIF, which sharp would decode if it were asked. */
  avif: HostileFile;
  /** A 2×2 Windows bitmap. */
  bmp: HostileFile;
  /** 4 KiB of seeded pseudo-random bytes. */
  randomBytes: HostileFile;
  /** A real 30×20 red PNG under a .jpg name. */
  pngNamedJpg: HostileFile;
  /** A 30×20 GIF of three frames: red, then green, then blue. */
  animatedGif: HostileFile;
  /** A JPEG stored 40×20 (dark left half, light right half) with EXIF orientation 6: shown 20×40, dark on top. */
  exifRotatedJpeg: HostileFile;
  /** A 16×8 red GIF that is also JavaScript: `GIF89a/*…*\/=alert(document.domain);//`. */
  gifJsPolyglot: HostileFile;
  /** The GIF/JavaScript header trick with no image inside it at all. */
  gifJsHeaderOnly: HostileFile;
  /** The normal JPEG with a ZIP archive (holding a script) appended. */
  jpegZipPolyglot: HostileFile;
  /** A 30×20 red PNG with an HTML page appended after IEND. */
  pngHtmlPolyglot: HostileFile;
  /** A 30×20 lossy WebP, blue. */
  webp: HostileFile;
  /** A 20×10 PNG: left half fully transparent, right half opaque black. */
  pngWithAlpha: HostileFile;
  /** A 1000×1000 PNG of noise: within the limits, but slow enough to outlast a 1 ms timeout. */
  noisePng: HostileFile;
}

/** Builds the whole hostile set in memory with `encoder` (pass `sharp`). */
export async function buildHostileImages(encoder: ImageEncoder): Promise<HostileImages> {
  const normalJpeg = await encoder(halves(64, 48, BLACK, WHITE), raw(64, 48)).jpeg({ quality: 90 }).toBuffer();
  const noisyJpeg = await encoder(noise(200, 150, 7), raw(200, 150)).jpeg({ quality: 90 }).toBuffer();
  const redPng = await encoder(solid(30, 20, RED), raw(30, 20)).png().toBuffer();
  const redGif = await encoder(solid(16, 8, RED), raw(16, 8)).gif().toBuffer();
  const small = (color: Rgb) => encoder(solid(8, 8, color), raw(8, 8));

  return {
    normalJpeg: file('normal.jpg', normalJpeg),
    empty: file('empty.jpg', Buffer.alloc(0)),
    truncatedJpeg: file('truncated.jpg', noisyJpeg.subarray(0, Math.floor(noisyJpeg.length / 2))),
    damagedJpeg: file('damaged.jpg', withJunkBeforeFrameHeader(normalJpeg)),
    jpegMagicOnly: file('stub.jpg', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('not really a JPEG')])),
    pngWithBadCrc: file('bad-crc.png', withBrokenIhdrCrc(redPng)),
    pngBomb: file('bomb.png', pngBomb(100_000, 100_000)),
    gifBomb: file('bomb.gif', withFrameSize(redGif, 60_000, 60_000)),
    big: file('big.png', await encoder(solid(1200, 1000, WHITE), raw(1200, 1000)).png().toBuffer()),
    oversized: file('huge.jpg', Buffer.concat([normalJpeg, Buffer.alloc(HOSTILE_IMAGE_LIMITS.maxBytes + 1 - normalJpeg.length)])),
    svg: file('drawing.svg', Buffer.from(SVG)),
    svgNamedPng: file('photo.png', Buffer.from(SVG)),
    htmlNamedJpg: file('photo.jpg', Buffer.from(HTML)),
    pdfNamedJpg: file('scan.jpg', Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n', 'latin1')),
    textNamedPng: file('notes.png', Buffer.from('Quarterly numbers, do not share:\nrevenue 12.4M\n')),
    tiff: file('scan.tiff', await small(GREEN).tiff().toBuffer()),
    avif: file('photo.avif', await small(GREEN).avif().toBuffer()),
    bmp: file('old.bmp', bmp2x2()),
    randomBytes: file('random.jpg', seededBytes(4096, 42)),
    pngNamedJpg: file('screenshot.jpg', redPng),
    animatedGif: file('animation.gif', await encoder(frames(30, 20, [RED, GREEN, BLUE]), raw(30, 60, 20)).gif().toBuffer()),
    exifRotatedJpeg: file(
      'rotated.jpg',
      await encoder(halves(40, 20, BLACK, WHITE), raw(40, 20)).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer(),
    ),
    gifJsPolyglot: file('polyglot.gif', gifJsPolyglot(redGif)),
    gifJsHeaderOnly: file('payload.gif', Buffer.from('GIF89a/*\x00\x00\x00\x00*/=alert(document.domain);//', 'latin1')),
    jpegZipPolyglot: file('holiday.jpg', Buffer.concat([normalJpeg, storedZip('payload.js', 'alert(document.domain);\n')])),
    pngHtmlPolyglot: file('avatar.png', Buffer.concat([redPng, Buffer.from(HTML)])),
    webp: file('sticker.webp', await encoder(solid(30, 20, BLUE), raw(30, 20)).webp().toBuffer()),
    pngWithAlpha: file('transparent.png', await encoder(transparentThenBlack(20, 10), raw(20, 10, undefined, 4)).png().toBuffer()),
    noisePng: file('noise.png', await encoder(noise(1000, 1000, 3), raw(1000, 1000)).png().toBuffer()),
  };
}

const SVG = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="100" height="100">
  <script>alert(document.domain)</script>
  <image xlink:href="file:///etc/passwd" width="100" height="100"/>
  <text x="10" y="50">not an image</text>
</svg>
`;

const HTML = '<!DOCTYPE html>\n<html><head><title>x</title></head><body><script>alert(document.domain)</script></body></html>\n';

function file(name: string, bytes: Buffer): HostileFile {
  return { name, bytes };
}

function raw(width: number, height: number, pageHeight?: number, channels: 3 | 4 = 3): { raw: RawPixels } {
  return { raw: pageHeight === undefined ? { width, height, channels } : { width, height, channels, pageHeight } };
}

function solid(width: number, height: number, color: Rgb): Buffer {
  return fill(width, height, 3, () => color);
}

/** Left half `left`, right half `right`: a layout that shows where a rotation went. */
function halves(width: number, height: number, left: Rgb, right: Rgb): Buffer {
  return fill(width, height, 3, (x) => (x < width / 2 ? left : right));
}

function frames(width: number, height: number, colors: readonly Rgb[]): Buffer {
  return Buffer.concat(colors.map((color) => solid(width, height, color)));
}

function transparentThenBlack(width: number, height: number): Buffer {
  const transparent: Rgba = [0, 0, 0, 0];
  const black: Rgba = [0, 0, 0, 255];
  return fill(width, height, 4, (x) => (x < width / 2 ? transparent : black));
}

function noise(width: number, height: number, seed: number): Buffer {
  return seededBytes(width * height * 3, seed);
}

function fill(width: number, height: number, channels: 3 | 4, colorAt: (x: number, y: number) => readonly number[]): Buffer {
  const pixels = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) pixels.set(colorAt(x, y), (y * width + x) * channels);
  }
  return pixels;
}

/** mulberry32: the same bytes on every run, so a failure reproduces. */
function seededBytes(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed >>> 0;
  for (let index = 0; index < length; index += 1) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    bytes[index] = ((t ^ (t >>> 14)) >>> 0) & 0xff;
  }
  return bytes;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** A well-formed PNG header that promises `width`×`height` 8-bit RGB pixels, followed by a few bytes of them. */
function pngBomb(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  return Buffer.concat([
    Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.alloc(64))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Four stray bytes before the JPEG's SOF marker, found by walking the marker segments from SOI. */
function withJunkBeforeFrameHeader(jpeg: Buffer): Buffer {
  let offset = 2;
  while (offset + 4 <= jpeg.length && jpeg[offset] === 0xff && jpeg[offset + 1] !== 0xc0 && jpeg[offset + 1] !== 0xc2) {
    offset += 2 + jpeg.readUInt16BE(offset + 2);
  }
  if (jpeg[offset] !== 0xff) throw new Error('no frame header found in the JPEG');
  return Buffer.concat([jpeg.subarray(0, offset), Buffer.from('junk'), jpeg.subarray(offset)]);
}

/** The GIF with its first frame descriptor rewritten to claim `width`×`height`, found past the colour table and extensions. */
function withFrameSize(gif: Buffer, width: number, height: number): Buffer {
  const flags = gif[10] ?? 0;
  let offset = 13 + (flags & 0x80 ? 3 * 2 ** ((flags & 0x07) + 1) : 0);
  while (gif[offset] === 0x21) {
    offset += 2;
    while ((gif[offset] ?? 0) !== 0) offset += (gif[offset] ?? 0) + 1;
    offset += 1;
  }
  if (gif[offset] !== 0x2c) throw new Error('no image descriptor found in the GIF');
  const patched = Buffer.from(gif);
  patched.writeUInt16LE(width, offset + 5);
  patched.writeUInt16LE(height, offset + 7);
  return patched;
}

function withBrokenIhdrCrc(png: Buffer): Buffer {
  const broken = Buffer.from(png);
  // Signature (8) + length (4) + "IHDR" (4) + data (13), then the CRC.
  broken.writeUInt32BE((broken.readUInt32BE(29) ^ 0xffffffff) >>> 0, 29);
  return broken;
}

/**
 * The GIF/JavaScript polyglot: the logical screen width becomes the bytes `/*`, opening a comment
 * that swallows the binary image, and a script follows the GIF trailer. A browser would run it as
 * JavaScript; an image decoder sees a GIF with trailing bytes.
 */
function gifJsPolyglot(gif: Buffer): Buffer {
  const patched = Buffer.from(gif);
  patched.write('/*', 6, 'latin1');
  if (patched.includes('*/', 8, 'latin1')) throw new Error('the GIF closes the comment early; change its pixels');
  return Buffer.concat([patched, Buffer.from('*/=alert(document.domain);//', 'latin1')]);
}

/** A one-file ZIP archive with the file stored uncompressed. */
function storedZip(name: string, content: string): Buffer {
  const fileName = Buffer.from(name, 'latin1');
  const data = Buffer.from(content);
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4); // version needed
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(fileName.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4); // version made by
  central.writeUInt16LE(20, 6); // version needed
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(fileName.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + fileName.length, 12);
  end.writeUInt32LE(local.length + fileName.length + data.length, 16);
  return Buffer.concat([local, fileName, data, central, fileName, end]);
}

/** A 2×2 24-bit Windows bitmap, built by hand: sharp cannot write BMP. */
function bmp2x2(): Buffer {
  const rowBytes = 8; // 2 pixels × 3 bytes, padded to a multiple of 4
  const header = Buffer.alloc(54);
  header.write('BM', 0, 'latin1');
  header.writeUInt32LE(54 + rowBytes * 2, 2);
  header.writeUInt32LE(54, 10);
  header.writeUInt32LE(40, 14);
  header.writeInt32LE(2, 18);
  header.writeInt32LE(2, 22);
  header.writeUInt16LE(1, 26);
  header.writeUInt16LE(24, 28);
  return Buffer.concat([header, Buffer.alloc(rowBytes * 2, 0x80)]);
}
