import sharp from 'sharp';
import { PermanentError } from '../core/errors.js';
import { describeBytes, sniffImageFormat, type ImageFormat } from './sniff-image-format.js';

export { describeBytes, sniffImageFormat, type ImageFormat } from './sniff-image-format.js';

/** Bounds on one untrusted image; the engine fills them from core/config.ts (OCR_MAX_IMAGE_BYTES, OCR_MAX_IMAGE_PIXELS, …). */
export interface ImageLimits {
  /** Largest file accepted, in bytes; checked before anything is parsed. */
  maxBytes: number;
  /** Largest width × height accepted, in pixels; checked from the header, before any pixel is allocated. */
  maxPixels: number;
  /** Longest the caller waits for one decode, in milliseconds; libvips itself is stopped at the next whole second. */
  timeoutMs: number;
}

/** Why an image was refused; all are permanent, since the same bytes fail the same way every time. */
export type ImageRejection = 'empty' | 'too_large' | 'too_many_pixels' | 'unsupported_format' | 'corrupt' | 'timeout';

/** An image that will never be OCR'd as it is: `reason` is stable for code, the message names the image and the fix. */
export class ImageRejectedError extends PermanentError {
  override readonly code = 'image_rejected';
  readonly reason: ImageRejection;
  /** The name the caller gave the image (file path or URL). */
  readonly image: string;

  constructor(image: string, reason: ImageRejection, message: string, options?: ErrorOptions) {
    super(message, options);
    this.image = image;
    this.reason = reason;
  }
}

/** One decoded still image, ready for OCR: the pixels a person sees when the image is shown. */
export interface DecodedImage {
  /** From the bytes, never from the file name. */
  format: ImageFormat;
  /** In pixels, after EXIF auto-orientation. */
  width: number;
  height: number;
  /** 8-bit RGB, row-major, `width * height * 3` bytes: the first frame only, alpha flattened onto white. */
  rgb: Buffer;
  /** The raw EXIF block (GPS, camera, time), if the file had one. */
  exif: Buffer | undefined;
  /** True when the source had more than one frame or page; only the first was decoded. */
  animated: boolean;
}

const ACCEPTED = 'a JPEG, PNG, WebP or GIF image';

// The libvips loaders our four formats need; configureSharp() blocks every other one.
const ALLOWED_LOADERS = ['VipsForeignLoadJpeg', 'VipsForeignLoadPng', 'VipsForeignLoadWebp', 'VipsForeignLoadNsgif'];

// setTimeout treats anything longer as 1 ms.
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Sets sharp's process-wide state for untrusted input; the engine calls it once at start, before
 * the first decode. It turns off the operation cache (each image is decoded once, and a cache would
 * keep hostile images' pixels alive), gives each image one libvips thread (the OCR pool already runs
 * images in parallel), and blocks every libvips loader but JPEG, PNG, WebP and GIF, so that SVG,
 * PDF, TIFF, HEIF and the rest stay unreachable even for a caller that skips `decodeImage`'s sniffing.
 */
export function configureSharp(): void {
  sharp.cache(false);
  sharp.concurrency(1);
  sharp.block({ operation: ['VipsForeignLoad'] });
  sharp.unblock({ operation: ALLOWED_LOADERS });
}

/**
 * Decodes untrusted image bytes into RGB pixels, or throws an ImageRejectedError whose `reason`
 * says why not; it never throws anything else and never hands libvips a format other than JPEG,
 * PNG, WebP or GIF. Size, then format, then the header's pixel count are checked before decoding,
 * so an oversized file or a decompression bomb costs no pixel memory. `image` names the image in
 * messages (a file path or URL).
 */
export async function decodeImage(bytes: Uint8Array, limits: ImageLimits, image = 'image'): Promise<DecodedImage> {
  const format = checkBytes(bytes, limits, image);
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const startedAt = performance.now();
  try {
    const decoding = (signal: AbortSignal) => decodeWithSharp(input, format, limits, image, signal);
    return await withDeadline(decoding, limits.timeoutMs, () => timedOut(image, limits));
  } catch (error) {
    if (error instanceof ImageRejectedError) throw error;
    // sharp's own timeout fails like any other error; only the clock tells them apart.
    if (performance.now() - startedAt >= limits.timeoutMs) throw timedOut(image, limits, error);
    const message = `${image} could not be decoded: the file is truncated or damaged (${reasonOf(error)}).`;
    throw new ImageRejectedError(image, 'corrupt', message, { cause: error });
  }
}

/** The checks that need no parsing: size first, so that nothing is read from a file we refuse anyway. */
function checkBytes(bytes: Uint8Array, limits: ImageLimits, image: string): ImageFormat {
  if (bytes.byteLength === 0) throw new ImageRejectedError(image, 'empty', `${image} is empty (0 bytes).`);
  if (bytes.byteLength > limits.maxBytes) {
    throw new ImageRejectedError(
      image,
      'too_large',
      `${image} is ${bytes.byteLength} bytes, over the limit of ${limits.maxBytes} bytes set by OCR_MAX_IMAGE_BYTES.`,
    );
  }
  const format = sniffImageFormat(bytes);
  if (format === undefined) {
    throw new ImageRejectedError(
      image,
      'unsupported_format',
      `${image} is not ${ACCEPTED}: its bytes look like ${describeBytes(bytes)}. Save it as one of those formats.`,
    );
  }
  return format;
}

async function decodeWithSharp(
  input: Buffer,
  format: ImageFormat,
  limits: ImageLimits,
  image: string,
  signal: AbortSignal,
): Promise<DecodedImage> {
  // The header alone: the pixel limit is ours to apply below, with a message that names it.
  const metadata = await sharp(input, { limitInputPixels: false }).metadata();
  // The caller has given up: do not start the expensive part.
  signal.throwIfAborted();
  // libvips picks its loader by its own sniffing; refuse if it disagrees with ours rather than trust either.
  if (metadata.format !== format) {
    throw new ImageRejectedError(
      image,
      'unsupported_format',
      `${image} is not ${ACCEPTED}: its bytes start like ${describeBytes(input)} but libvips reads them as ${metadata.format}.`,
    );
  }
  const pixels = metadata.width * metadata.height;
  if (pixels > limits.maxPixels) {
    throw new ImageRejectedError(
      image,
      'too_many_pixels',
      `${image} is ${metadata.width}x${metadata.height} (${pixels} pixels), over the limit of ${limits.maxPixels} pixels set by OCR_MAX_IMAGE_PIXELS.`,
    );
  }

  // failOn 'error' rejects truncated JPEG, PNG, WebP and GIF files cut anywhere before their trailer.
  // 'warning' would also refuse JPEGs that libjpeg decodes whole but warns about (stray bytes, a damaged
  // Huffman code: about a fifth of the randomly damaged JPEGs we tried), whose pixels are still worth reading.
  // Either level runs the same decoder over the same bytes; it only decides whether we get the result.
  const { data, info } = await sharp(input, { failOn: 'error', limitInputPixels: Math.floor(limits.maxPixels), pages: 1, page: 0 })
    .timeout({ seconds: libvipsTimeoutSeconds(limits.timeoutMs) })
    .autoOrient()
    .flatten({ background: '#ffffff' })
    .removeAlpha()
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });

  // Tesseract reads width * height * 3 bytes whatever the buffer holds, so the layout is checked, not assumed.
  if (info.channels !== 3 || data.length !== info.width * info.height * 3) {
    throw new ImageRejectedError(
      image,
      'corrupt',
      `${image} could not be decoded: it gave ${info.channels} channels and ${data.length} bytes for ${info.width}x${info.height} pixels.`,
    );
  }
  return { format, width: info.width, height: info.height, rgb: data, exif: metadata.exif, animated: (metadata.pages ?? 1) > 1 };
}

/**
 * Rejects when `work` has not settled within `timeoutMs`, and aborts its signal so that it starts
 * nothing new. A libvips call already running cannot be cancelled from here: libvips' own timeout
 * (whole seconds) stops it soon after.
 */
async function withDeadline<T>(work: (signal: AbortSignal) => Promise<T>, timeoutMs: number, onTimeout: () => Error): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(onTimeout());
    }, Math.min(Math.max(timeoutMs, 0), MAX_TIMER_MS));
  });
  try {
    // race() handles the loser's rejection too, so an abandoned decode that fails later is not unhandled.
    return await Promise.race([work(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** sharp takes whole seconds from 1 (0 would mean never) to 3600. */
function libvipsTimeoutSeconds(timeoutMs: number): number {
  return Math.min(3600, Math.max(1, Math.ceil(timeoutMs / 1000)));
}

function timedOut(image: string, limits: ImageLimits, cause?: unknown): ImageRejectedError {
  const message = `${image} took more than ${String(limits.timeoutMs)} ms to decode and was abandoned; raise OCR_IMAGE_TIMEOUT_MS if such images are expected.`;
  return new ImageRejectedError(image, 'timeout', message, cause === undefined ? undefined : { cause });
}

/** The first line of sharp's own explanation, for the message only: never branched on. */
function reasonOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const firstLine = (text.split('\n')[0] ?? '').trim().replace(/:$/u, '');
  return firstLine === '' ? 'no reason given' : firstLine;
}
