import { OvershareError, TransientError } from '../../../core/errors.js';
import { RefusedAddressError } from '../../../crawler/net/address-guard.js';
import { classifyNetworkError } from '../../../crawler/net/classify-network-error.js';
import { SinkDeliveryError } from './sink-delivery-error.js';

/**
 * Turns a failure to reach a sink (guard refusal, socket, DNS, TLS, timeout, cancellation) into a
 * SinkDeliveryError whose message says what happened and what to do, in sink terms rather than the
 * crawler's.
 */

/** Where the failure happened and how far the batch had got. */
export interface DeliveryContext {
  /** E.g. `Webhook delivery to https://siem.example/hook` (URL already redacted). */
  action: string;
  deliveredCount: number;
  batchSize: number;
  /** The caller's signal: an abort is reported as a retryable cancellation. */
  signal?: AbortSignal | undefined;
}

// Socket codes that mean TLS, not the network, is wrong: retrying cannot help. The first kind is
// certificate verification (OpenSSL's X509 codes and Node's name check), the rest the handshake.
const CERTIFICATE_CODE = /CERT|^UNABLE_TO_|^SELF_SIGNED|^DEPTH_ZERO/u;
const TLS_CODE = /CERT|^ERR_TLS_|^ERR_SSL_|^UNABLE_TO_|^SELF_SIGNED|^DEPTH_ZERO/u;

/** The SinkDeliveryError for `error`, thrown while delivering the batch described by `context`. */
export function networkDeliveryError(error: unknown, context: DeliveryContext): SinkDeliveryError {
  const progress = progressOf(context);
  if (error instanceof SinkDeliveryError) return error;
  if (context.signal?.aborted === true) {
    return SinkDeliveryError.from({ message: `${context.action} was cancelled by its caller; ${progress}`, retryable: true, deliveredCount: context.deliveredCount, cause: error });
  }
  if (error instanceof RefusedAddressError) {
    return SinkDeliveryError.from({
      message:
        `${context.action} was refused by the address guard: ${error.reason}. A sink may only reach public internet addresses ` +
        `unless its host is on the allowed private hosts list; fix the sink's address, or add the host to SINK_ALLOWED_PRIVATE_HOSTS if the SIEM is on your private network. ${progress}`,
      retryable: false,
      deliveredCount: context.deliveredCount,
      cause: error,
    });
  }
  const code = errorCode(error) ?? errorCode(error instanceof Error ? error.cause : undefined);
  const classified = error instanceof OvershareError ? error : classifyNetworkError(error, context.action);
  // classifyNetworkError misses some OpenSSL verification codes (UNABLE_TO_VERIFY_LEAF_SIGNATURE).
  const retryable = classified instanceof TransientError && !isTlsCode(code);
  return SinkDeliveryError.from({
    message: `${context.action} failed: ${detailOf(code, classified, retryable)} ${progress}`,
    retryable,
    deliveredCount: context.deliveredCount,
    cause: error,
  });
}

function detailOf(code: string | undefined, classified: OvershareError, retryable: boolean): string {
  if (code === 'ECONNREFUSED') return 'the receiver refused the connection (ECONNREFUSED); it is probably down. Delivery will be retried.';
  if (code === 'ENOTFOUND') return 'the host name does not exist (ENOTFOUND); check the sink address.';
  if (code === undefined) {
    // Our own timeouts and refusals carry a message written for people already.
    return `${classified.message.replace(/\.$/u, '')}.${retryable ? ' Delivery will be retried.' : ''}`;
  }
  if (CERTIFICATE_CODE.test(code)) {
    return `the receiver's TLS certificate was not accepted (${code}); check the CA certificate configured for the sink and that the certificate names the host.`;
  }
  if (isTlsCode(code)) return `the TLS handshake failed (${code}); check that the receiver speaks TLS 1.2 or later on this port.`;
  return `${retryable ? 'network failure' : 'connection failed'} (${code}).${retryable ? ' Delivery will be retried.' : ' Check the sink address.'}`;
}

function isTlsCode(code: string | undefined): boolean {
  return code !== undefined && TLS_CODE.test(code);
}

function progressOf(context: DeliveryContext): string {
  return `${context.deliveredCount} of ${context.batchSize} events were delivered first.`;
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  // Our own errors have `code` too ('transient'…); only socket and OpenSSL codes are upper case.
  return typeof error.code === 'string' && /^[A-Z][A-Z0-9_]+$/u.test(error.code) ? error.code : undefined;
}
