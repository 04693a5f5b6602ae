import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * Field names whose values never reach a log line: post and OCR text (personal data) and
 * credentials. Each is redacted at the top level, two levels down (`finding.evidence.text`) and
 * in the items of a list (`posts[0].text`).
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
  ...REDACTED_FIELDS.map((field) => `*.*.${field}`),
  ...REDACTED_FIELDS.map((field) => `*[*].${field}`),
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
      serializers: { err: serializeError, error: serializeError },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination({ fd: 2, sync: false }),
  );
}

// Only these fields of an error reach the log. Database errors carry more (PGlite's `params`,
// PostgreSQL's `detail`: "Failing row contains (…)"), and those hold post text.
const LOGGED_ERROR_FIELDS = ['type', 'message', 'stack', 'code', 'constraint', 'table', 'column', 'cause'] as const;

/** pino's error serialiser, reduced to fields that cannot carry post text or credentials. */
export function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const serialized = stdSerializers.err(error) as unknown as Record<string, unknown>;
  const kept: Record<string, unknown> = {};
  for (const field of LOGGED_ERROR_FIELDS) {
    if (serialized[field] !== undefined) kept[field] = serialized[field];
  }
  return kept;
}
