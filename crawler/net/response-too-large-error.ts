import { PermanentError } from '../../core/errors.js';

/** A response body went over its byte cap (declared or while streaming, after decompression); never retried. */
export class ResponseTooLargeError extends PermanentError {
  override readonly code = 'response_too_large';
  /** The URL that answered, redacted. */
  readonly url: string;
  readonly maxBytes: number;

  constructor(url: string, maxBytes: number, detail: string, options?: ErrorOptions) {
    super(`${url} answered with more than ${maxBytes} bytes (${detail}); the body was not read further. Raise the byte limit if this content is expected.`, options);
    this.url = url;
    this.maxBytes = maxBytes;
  }
}
