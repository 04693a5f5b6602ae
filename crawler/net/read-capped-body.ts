import type { IncomingMessage } from 'node:http';
import { pipeline, type Readable } from 'node:stream';
import zlib from 'node:zlib';
import { OvershareError, PermanentError } from '../../core/errors.js';
import { ResponseTooLargeError } from './response-too-large-error.js';

/** The encodings `guardedRequest` asks for in Accept-Encoding, and so must decode. */
export const ACCEPTED_ENCODINGS = 'gzip, deflate, br';

/** The cap on a body, and the URL to name when it is exceeded. */
export interface CappedBodyOptions {
  maxBytes: number;
  /** The URL as it may appear in an error (redacted). */
  shownUrl: string;
}

/**
 * Reads a response body into memory, decompressed, never holding much more than `maxBytes`: a
 * Content-Length over the cap is refused before reading, and both the bytes on the wire and the
 * decompressed bytes are counted while streaming, so a zip bomb or an endless body stops at the
 * cap with ResponseTooLargeError. The response is destroyed whenever reading stops early.
 */
export async function readCappedBody(response: IncomingMessage, options: CappedBodyOptions): Promise<Buffer> {
  const { maxBytes, shownUrl } = options;
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.destroy();
    throw new ResponseTooLargeError(shownUrl, maxBytes, `Content-Length ${declared}`);
  }
  const decoder = decoderFor(response.headers['content-encoding']);
  if (decoder === 'unsupported') {
    response.destroy();
    throw new PermanentError(
      `${shownUrl} answered with Content-Encoding ${JSON.stringify(response.headers['content-encoding'])}, which the crawler did not ask for and cannot decode.`,
    );
  }

  let wireBytes = 0;
  let responseError: unknown;
  response.on('error', (error) => {
    responseError = error;
  });
  // Counted on the wire too: a compressed stream of empty blocks grows forever without output.
  response.on('data', (chunk: Buffer) => {
    wireBytes += chunk.length;
    if (wireBytes > maxBytes) response.destroy(new ResponseTooLargeError(shownUrl, maxBytes, 'while streaming'));
  });
  const source: Readable = decoder === undefined ? response : pipeline(response, decoder, () => undefined);

  const chunks: Buffer[] = [];
  let bodyBytes = 0;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      bodyBytes += chunk.length;
      if (bodyBytes > maxBytes) {
        throw new ResponseTooLargeError(shownUrl, maxBytes, decoder === undefined ? 'while streaming' : 'after decompression');
      }
      chunks.push(chunk);
    }
  } catch (error) {
    response.destroy();
    if (error instanceof OvershareError || decoder === undefined || error === responseError) throw error;
    throw new PermanentError(`${shownUrl} sent a body that could not be decompressed (${describe(response.headers['content-encoding'])}).`, { cause: error });
  }
  return Buffer.concat(chunks, bodyBytes);
}

function decoderFor(contentEncoding: string | undefined): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | 'unsupported' | undefined {
  const encoding = (contentEncoding ?? '').trim().toLowerCase();
  switch (encoding) {
    case '':
    case 'identity':
      return undefined;
    case 'gzip':
    case 'x-gzip':
      // Lenient like browsers: a body cut short of its trailer still yields what arrived.
      return zlib.createGunzip({ finishFlush: zlib.constants.Z_SYNC_FLUSH });
    case 'deflate':
      return zlib.createInflate({ finishFlush: zlib.constants.Z_SYNC_FLUSH });
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      return 'unsupported';
  }
}

function describe(value: string | undefined): string {
  return value === undefined ? 'no encoding' : value;
}
