import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * Field names whose values never reach a log line: post and OCR text (personal data) and
 * credentials. Each is redacted at the top level and one level down (`post.text`).
 */
export const REDACTED_FIELDS = [
  'text',
  'postText',
  'ocrText',
  'evidenceText',
  'token',
  'accessToken',
  'apiKey',
  'password',
  'passwordHash',
  'secret',
  'cookie',
  'authorization',
] as const;

const REDACT_PATHS = [
  ...REDACTED_FIELDS,
  ...REDACTED_FIELDS.map((field) => `*.${field}`),
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
];

export interface LoggerOptions {
  level: string;
  /** Where lines go; default standard error, so command output on standard out stays clean. */
  destination?: DestinationStream;
}

/**
 * The root JSON logger (pino). Modules take a child with `log.child({ module: 'store' })`.
 * Errors are serialised with their `cause` chain.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'overshare' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: stdSerializers.err, error: stdSerializers.err },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination({ fd: 2, sync: false }),
  );
}
