import { redactUrl } from '../../core/config.js';
import { PermanentError, TransientError } from '../../core/errors.js';
import type { AddressGuard } from './address-guard.js';
import { serverWaitMs } from '../server-wait-ms.js';
import { guardedRequest, ResponseTooLargeError, type ResponseHead } from './guarded-request.js';

/** The image types the OCR stage reads; anything else is refused before it gets there. */
export type MediaContentType = 'image/jpeg' | 'image/png' | 'image/webp' | 'image/gif';

/** Why a media URL gave no image. */
export type MediaRejection = 'not-an-image' | 'too-large' | 'http-status' | 'content-type';

/** A media URL answered with something that is not an allowed image, or with a final error status; never retried. */
export class MediaRejectedError extends PermanentError {
  override readonly code = 'media_rejected';
  /** The media URL, redacted. */
  readonly url: string;
  readonly reason: MediaRejection;

  constructor(url: string, reason: MediaRejection, detail: string, options?: ErrorOptions) {
    super(`Media ${url} was not downloaded (${reason}): ${detail}.`, options);
    this.url = url;
    this.reason = reason;
  }
}

/** Limits of one media download (CRAWL_MAX_MEDIA_BYTES, CRAWL_REQUEST_TIMEOUT_MS, CRAWL_MAX_REDIRECTS). */
export interface FetchMediaOptions {
  guard: AddressGuard;
  /** Cap on the image in bytes (CRAWL_MAX_MEDIA_BYTES), checked while streaming. */
  maxBytes: number;
  timeoutMs: number;
  maxRedirects: number;
  userAgent: string;
  signal?: AbortSignal;
}

/** A downloaded image whose type was read from its own bytes. */
export interface FetchedMedia {
  /** The URL that answered, after redirects. */
  url: string;
  contentType: MediaContentType;
  bytes: Buffer;
}

// Declared types a JPEG, PNG, WebP or GIF may arrive under. A missing type and the generic binary
// types are let through too (object stores serve images that way); the magic bytes decide.
const ACCEPTED_DECLARED_TYPES = new Set([
  'image/jpeg',
  'image/jpg',
  'image/pjpeg',
  'image/png',
  'image/webp',
  'image/gif',
  'application/octet-stream',
  'binary/octet-stream',
]);

/**
 * Downloads one image through the address guard (every redirect checked, no cookies, Accept
 * `image/*`), capped at `maxBytes` while streaming. Only JPEG, PNG, WebP and GIF pass, judged by
 * their magic bytes; the content type returned is the one the bytes show. Throws MediaRejectedError
 * for a wrong type, a body over the cap or a final 4xx; TransientError for 408, 429 and 5xx (with
 * the server's Retry-After) and network failures; RefusedAddressError for a forbidden address.
 */
export async function fetchMedia(url: string, options: FetchMediaOptions): Promise<FetchedMedia> {
  const shownUrl = redactUrl(url);
  try {
    const response = await guardedRequest(url, {
      guard: options.guard,
      maxBytes: options.maxBytes,
      timeoutMs: options.timeoutMs,
      maxRedirects: options.maxRedirects,
      userAgent: options.userAgent,
      accept: 'image/*',
      onResponse: (head) => judgeHead(head, shownUrl),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    const contentType = sniffImageType(response.body);
    if (contentType === undefined) {
      throw new MediaRejectedError(shownUrl, 'not-an-image', `the ${response.body.length} bytes are not a JPEG, PNG, WebP or GIF image`);
    }
    return { url: response.url, contentType, bytes: response.body };
  } catch (error) {
    if (error instanceof ResponseTooLargeError) {
      throw new MediaRejectedError(shownUrl, 'too-large', `it is larger than ${options.maxBytes} bytes`, { cause: error });
    }
    throw error;
  }
}

/** The allowed image type these bytes start with, from their magic numbers, or undefined. */
export function sniffImageType(bytes: Buffer): MediaContentType | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return 'image/png';
  const start = bytes.subarray(0, 6).toString('latin1');
  if (start === 'GIF87a' || start === 'GIF89a') return 'image/gif';
  if (bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  return undefined;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

// Refuses before the body is read: a wrong status or declared type needs no download.
function judgeHead(head: ResponseHead, shownUrl: string): void {
  const { status } = head;
  if (status === 408 || status === 429 || status >= 500) {
    const retryAfterMs = serverWaitMs(head.headers);
    throw new TransientError(`Media ${shownUrl} answered HTTP ${status}; it will be retried.`, retryAfterMs === undefined ? {} : { retryAfterMs });
  }
  if (status < 200 || status > 299) {
    throw new MediaRejectedError(shownUrl, 'http-status', `it answered HTTP ${status}`);
  }
  const declared = head.headers['content-type']?.split(';')[0]?.trim().toLowerCase() ?? '';
  if (declared !== '' && !ACCEPTED_DECLARED_TYPES.has(declared)) {
    throw new MediaRejectedError(shownUrl, 'content-type', `it was served as ${declared}, not as a JPEG, PNG, WebP or GIF image`);
  }
}
