import { Script } from 'node:vm';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { PermanentError } from '../core/errors.js';
import { BLACK, BLUE, buildHostileImages, HOSTILE_IMAGE_LIMITS, RED, WHITE, type HostileImages } from '../test/support/hostile-images.js';
import {
  configureSharp,
  decodeImage,
  describeBytes,
  ImageRejectedError,
  sniffImageFormat,
  type DecodedImage,
  type ImageRejection,
} from './decode-image.js';

let images: HostileImages;

// configureSharp() is left to the last describe: until then sharp would happily render SVG or read
// TIFF, so the refusals below are decodeImage's own doing.
beforeAll(async () => {
  images = await buildHostileImages(sharp);
});

async function rejectionOf(decoding: Promise<unknown>): Promise<ImageRejectedError> {
  const error: unknown = await decoding.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof ImageRejectedError)) throw new Error(`expected an ImageRejectedError, got ${String(error)}`);
  return error;
}

function decode(file: keyof HostileImages, limits = HOSTILE_IMAGE_LIMITS): Promise<DecodedImage> {
  return decodeImage(images[file].bytes, limits, images[file].name);
}

function pixelAt(decoded: DecodedImage, x: number, y: number): number[] {
  const offset = (y * decoded.width + x) * 3;
  return [...decoded.rgb.subarray(offset, offset + 3)];
}

function isEveryPixel(decoded: DecodedImage, color: readonly number[]): boolean {
  for (let offset = 0; offset < decoded.rgb.length; offset += 3) {
    if (decoded.rgb[offset] !== color[0] || decoded.rgb[offset + 1] !== color[1] || decoded.rgb[offset + 2] !== color[2]) return false;
  }
  return true;
}

/** Every hostile file that must be refused, with what the message must say beyond the image's name. */
const REFUSED: ReadonlyArray<{ file: keyof HostileImages; reason: ImageRejection; says: string }> = [
  { file: 'empty', reason: 'empty', says: '0 bytes' },
  { file: 'oversized', reason: 'too_large', says: 'OCR_MAX_IMAGE_BYTES' },
  { file: 'pngBomb', reason: 'too_many_pixels', says: '100000x100000' },
  { file: 'gifBomb', reason: 'too_many_pixels', says: '60000x60000' },
  { file: 'big', reason: 'too_many_pixels', says: '1200x1000' },
  { file: 'svg', reason: 'unsupported_format', says: 'look like SVG' },
  { file: 'svgNamedPng', reason: 'unsupported_format', says: 'look like SVG' },
  { file: 'htmlNamedJpg', reason: 'unsupported_format', says: 'look like HTML' },
  { file: 'pdfNamedJpg', reason: 'unsupported_format', says: 'look like PDF' },
  { file: 'textNamedPng', reason: 'unsupported_format', says: 'look like text' },
  { file: 'tiff', reason: 'unsupported_format', says: 'look like TIFF' },
  { file: 'avif', reason: 'unsupported_format', says: 'look like HEIF/AVIF' },
  { file: 'bmp', reason: 'unsupported_format', says: 'look like BMP' },
  { file: 'randomBytes', reason: 'unsupported_format', says: 'look like unknown data' },
  { file: 'truncatedJpeg', reason: 'corrupt', says: 'truncated or damaged' },
  { file: 'jpegMagicOnly', reason: 'corrupt', says: 'truncated or damaged' },
  { file: 'pngWithBadCrc', reason: 'corrupt', says: 'truncated or damaged' },
  { file: 'gifJsHeaderOnly', reason: 'corrupt', says: 'truncated or damaged' },
];

describe('decodeImage refusals', () => {
  it.each(REFUSED)('refuses $file as $reason, naming the image', async ({ file, reason, says }) => {
    const error = await rejectionOf(decode(file));

    expect([error.reason, error.image, error.code]).toEqual([reason, images[file].name, 'image_rejected']);
    expect(error.message).toContain(images[file].name);
    expect(error.message).toContain(says);
  });

  it('refuses SVG, TIFF and AVIF that sharp on its own would read', async () => {
    const formats = await Promise.all([images.svg, images.tiff, images.avif].map(async ({ bytes }) => (await sharp(bytes).metadata()).format));

    expect(formats).toEqual(['svg', 'tiff', 'heif']);
  });

  it('makes every refusal a PermanentError, so the job is never retried', async () => {
    expect(await rejectionOf(decode('truncatedJpeg'))).toBeInstanceOf(PermanentError);
  });

  it('says what an SVG named .png looks like and which formats are accepted', async () => {
    expect((await rejectionOf(decode('svgNamedPng'))).message).toBe(
      'photo.png is not a JPEG, PNG, WebP or GIF image: its bytes look like SVG. Save it as one of those formats.',
    );
  });

  it('names the byte limit and its variable when a file is too large', async () => {
    expect((await rejectionOf(decode('oversized'))).message).toBe(
      'huge.jpg is 4194305 bytes, over the limit of 4194304 bytes set by OCR_MAX_IMAGE_BYTES.',
    );
  });

  it('refuses a decompression bomb from its header, naming its size, the limit and the variable', async () => {
    expect((await rejectionOf(decode('pngBomb'))).message).toBe(
      'bomb.png is 100000x100000 (10000000000 pixels), over the limit of 1000000 pixels set by OCR_MAX_IMAGE_PIXELS.',
    );
  });

  it('checks the size before the content: an empty file is empty, whatever its name', async () => {
    expect((await rejectionOf(decodeImage(new Uint8Array(0), HOSTILE_IMAGE_LIMITS, 'photo.png'))).message).toBe('photo.png is empty (0 bytes).');
  });

  it("keeps sharp's reason in a corrupt file's message and its error as the cause", async () => {
    const error = await rejectionOf(decode('truncatedJpeg'));

    expect(error.message).toMatch(/^truncated\.jpg could not be decoded: the file is truncated or damaged \(.+\)\.$/u);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('times out a decode that outlasts timeoutMs', async () => {
    const error = await rejectionOf(decode('noisePng', { ...HOSTILE_IMAGE_LIMITS, timeoutMs: 1 }));

    expect(error.reason).toBe('timeout');
    expect(error.message).toBe('noise.png took more than 1 ms to decode and was abandoned; raise OCR_IMAGE_TIMEOUT_MS if such images are expected.');
  });

  it('decodes the same image when the timeout allows it', async () => {
    expect((await decode('noisePng')).width).toBe(1000);
  });

  it('calls the image "image" when the caller gives no name', async () => {
    expect((await rejectionOf(decodeImage(images.svg.bytes, HOSTILE_IMAGE_LIMITS))).message).toMatch(/^image is not a JPEG/u);
  });

  it('survives 50 hostile files in a row and still decodes a normal image afterwards', async () => {
    const reasons: ImageRejection[] = [];
    for (let index = 0; index < 50; index += 1) {
      const { file } = REFUSED[index % REFUSED.length]!;
      reasons.push((await rejectionOf(decode(file))).reason);
    }
    const normal = await decode('normalJpeg');

    expect(reasons).toHaveLength(50);
    expect([normal.format, normal.width, normal.height]).toEqual(['jpeg', 64, 48]);
  });
});

describe('decodeImage results', () => {
  it('decodes a normal JPEG to 8-bit RGB, three bytes a pixel', async () => {
    const decoded = await decode('normalJpeg');

    expect([decoded.format, decoded.width, decoded.height, decoded.rgb.length]).toEqual(['jpeg', 64, 48, 64 * 48 * 3]);
    expect([decoded.animated, decoded.exif]).toEqual([false, undefined]);
  });

  // failOn 'error', not sharp's default 'warning': a warning still leaves every pixel decoded.
  it('decodes a JPEG that libjpeg warns about but reads whole, which failOn "warning" would refuse', async () => {
    const { bytes } = images.damagedJpeg;
    await expect(sharp(bytes, { failOn: 'warning' }).raw().toBuffer()).rejects.toThrow();

    const [damaged, plain] = await Promise.all([decode('damagedJpeg'), decode('normalJpeg')]);

    expect(damaged.rgb.equals(plain.rgb)).toBe(true);
  });

  it('decodes a PNG named .jpg by its bytes, as a PNG', async () => {
    const decoded = await decode('pngNamedJpg');

    expect([decoded.format, decoded.width, decoded.height]).toEqual(['png', 30, 20]);
    expect(isEveryPixel(decoded, RED)).toBe(true);
  });

  it('decodes only the first frame of an animated GIF and says it was animated', async () => {
    const decoded = await decode('animatedGif');

    expect([decoded.format, decoded.width, decoded.height, decoded.animated]).toEqual(['gif', 30, 20, true]);
    expect(isEveryPixel(decoded, RED)).toBe(true);
  });

  it('turns a JPEG with EXIF orientation 6 upright, swapping width and height, and keeps its EXIF', async () => {
    const decoded = await decode('exifRotatedJpeg');

    expect([decoded.width, decoded.height]).toEqual([20, 40]);
    // Stored dark on the left; a quarter turn clockwise puts it on top.
    expect(pixelAt(decoded, 10, 2).every((channel) => channel < 40)).toBe(true);
    expect(pixelAt(decoded, 10, 37).every((channel) => channel > 215)).toBe(true);
    expect(decoded.exif).toBeInstanceOf(Buffer);
  });

  it('decodes a WebP', async () => {
    const decoded = await decode('webp');

    expect([decoded.format, decoded.width, decoded.height]).toEqual(['webp', 30, 20]);
    // Lossy: close to blue, not exactly blue.
    expect(pixelAt(decoded, 15, 10).map((channel, index) => Math.abs(channel - BLUE[index]!) < 30)).toEqual([true, true, true]);
  });

  it('flattens transparency onto white', async () => {
    const decoded = await decode('pngWithAlpha');

    expect([pixelAt(decoded, 2, 5), pixelAt(decoded, 17, 5)]).toEqual([[...WHITE], [...BLACK]]);
  });

  it('decodes bytes that sit in the middle of a larger buffer', async () => {
    const { bytes } = images.webp;
    const padded = Buffer.concat([Buffer.alloc(7, 0xaa), bytes, Buffer.alloc(5, 0xbb)]);

    expect((await decodeImage(padded.subarray(7, 7 + bytes.length), HOSTILE_IMAGE_LIMITS)).format).toBe('webp');
  });
});

// Polyglots: the pixels are what OCR reads and nothing in the file is ever run, so a file whose image
// part decodes cleanly is decoded like any image, whatever follows it; one whose image part does not
// decode is 'corrupt' (the gifJsHeaderOnly case among the refusals above).
describe('decodeImage on polyglot files', () => {
  it('decodes the image of a GIF that is also JavaScript', async () => {
    const { bytes } = images.gifJsPolyglot;
    // Compiled, never run: proof that the file really is a script too.
    expect(() => new Script(bytes.toString('latin1'))).not.toThrow();

    const decoded = await decode('gifJsPolyglot');

    expect([decoded.format, decoded.animated]).toEqual(['gif', false]);
    expect(isEveryPixel(decoded, RED)).toBe(true);
  });

  it('decodes the image of a JPEG with a ZIP archive appended, pixel for pixel as without it', async () => {
    const [polyglot, plain] = await Promise.all([decode('jpegZipPolyglot'), decode('normalJpeg')]);

    expect(polyglot.format).toBe('jpeg');
    expect(polyglot.rgb.equals(plain.rgb)).toBe(true);
  });

  it('decodes the image of a PNG with an HTML page appended', async () => {
    const decoded = await decode('pngHtmlPolyglot');

    expect(decoded.format).toBe('png');
    expect(isEveryPixel(decoded, RED)).toBe(true);
  });
});

describe('sniffImageFormat', () => {
  it.each([
    ['jpeg', [0xff, 0xd8, 0xff, 0xe0]],
    ['png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
    ['gif', [...Buffer.from('GIF87a')]],
    ['gif', [...Buffer.from('GIF89a')]],
    ['webp', [...Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1')]],
  ])('recognises %s from its magic bytes', (format, bytes) => {
    expect(sniffImageFormat(Uint8Array.from(bytes))).toBe(format);
  });

  it.each([
    ['a RIFF file that is not WebP', 'RIFF\x10\x00\x00\x00AVI LIST'],
    ['a GIF signature of an unknown version', 'GIF88a'],
    ['a PNG signature cut short', '\x89PNG\r\n'],
    ['a JPEG start with no marker after it', '\xff\xd8'],
    ['nothing', ''],
  ])('recognises nothing in %s', (_case, text) => {
    expect(sniffImageFormat(Buffer.from(text, 'latin1'))).toBeUndefined();
  });
});

describe('describeBytes', () => {
  it.each([
    ['SVG', '<svg xmlns="http://www.w3.org/2000/svg"/>'],
    ['SVG', '\ufeff<?xml version="1.0"?>\n<!-- licence -->\n<svg width="1" height="1"><script>x()</script></svg>'],
    ['HTML', '<!DOCTYPE html><html><body><svg></svg></body></html>'],
    ['HTML', '  <script>alert(1)</script>'],
    ['XML', '<?xml version="1.0"?><rss version="2.0"></rss>'],
    ['text', 'BMW annual report'],
    ['PDF', '%PDF-1.4\n'],
    ['ZIP', 'PK\x03\x04\x14\x00'],
    ['TIFF', 'MM\x00*\x00\x00\x00\x08'],
    ['HEIF/AVIF', '\x00\x00\x00\x1cftypheic\x00\x00\x00\x00'],
    ['MP4/QuickTime video', '\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00'],
    ['gzip', '\x1f\x8b\x08\x00'],
    ['BMP', 'BM\x36\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00\x28\x00'],
    ['unknown data', '\x00\x01\x02\x03\xfe\xfd'],
  ])('describes %s', (description, text) => {
    expect(describeBytes(Buffer.from(text, text.startsWith('\ufeff') ? 'utf8' : 'latin1'))).toBe(description);
  });

  it('names the image formats it accepts too', () => {
    expect(describeBytes(Buffer.from('GIF89a'))).toBe('GIF');
  });
});

// Last, because it changes sharp for the rest of this test file's process.
describe('configureSharp', () => {
  it('leaves JPEG, PNG, WebP and GIF decodable', async () => {
    configureSharp();
    const decoded = await Promise.all([decode('normalJpeg'), decode('pngNamedJpg'), decode('webp'), decode('animatedGif')]);

    expect(decoded.map(({ format }) => format)).toEqual(['jpeg', 'png', 'webp', 'gif']);
  });

  it.each(['svg', 'tiff', 'avif'] as const)('makes sharp itself refuse %s, behind the sniffing', async (file) => {
    configureSharp();

    await expect(sharp(images[file].bytes).metadata()).rejects.toThrow();
  });

  it('still refuses hostile files with the same reasons', async () => {
    configureSharp();
    const reasons = await Promise.all(REFUSED.map(async ({ file }) => (await rejectionOf(decode(file))).reason));

    expect(reasons).toEqual(REFUSED.map(({ reason }) => reason));
  });
});
