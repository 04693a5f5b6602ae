import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from './errors.js';

/**
 * The environment, parsed once. This is the only module that reads `process.env`;
 * everything else receives the `Config` it returns.
 */

// Variables whose values are never echoed, not even in an error about them.
const SECRET_VARIABLES = new Set(['DATABASE_URL', 'REDIS_URL', 'SECRET_KEY']);

// An empty or blank variable (`DATABASE_URL=` in a compose file) means "unset", not "".
const unsetIfEmpty = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

// Plain decimal digits only: `0x10`, `1e3` and `8080.0` are refused, not reinterpreted.
const wholeNumber = (min: number, max: number, fallback: number) => {
  const error = `must be a whole number from ${min} to ${max}`;
  return z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .trim()
      .regex(/^\d{1,9}$/u, { error })
      .transform(Number)
      .pipe(z.number().min(min, { error }).max(max, { error }))
      .default(fallback),
  );
};

const urlWithScheme = (schemes: readonly string[]) =>
  z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .refine((value) => hasScheme(value, schemes), {
        error: `must be a URL starting with ${schemes.map((s) => `${s}//`).join(' or ')}`,
      })
      .optional(),
  );

/** The coverage settings' defaults (see `Config['coverage']`), for callers given none. */
export const COVERAGE_DEFAULTS: Config['coverage'] = { catchupPosts: 1_000, retryBaseMs: 300_000, retryMaxMs: 21_600_000, platformClaimLimit: 25 };

const LANGUAGE_CODE = '[a-z]{3}(?:_[a-z]+)?';
/** One tesseract language code: `eng`, `ell`, `chi_sim`. */
export const TESSERACT_LANGUAGE_CODE = new RegExp(`^${LANGUAGE_CODE}$`, 'u');

// One entry of CRAWL_ALLOWED_PRIVATE_HOSTS: a host name, an IPv4/IPv6 address or a CIDR range.
const ALLOWED_HOST_ENTRY = /^(?:[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?|[0-9a-f:.]+(?:\/\d{1,3})?)$/iu;

// A comma-separated list of host names, IPs and CIDR ranges let through the address guard although private.
const allowedHostList = z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .default('')
      .transform((value) => value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== ''))
      .pipe(
        z.array(
          z
            .string()
            .regex(ALLOWED_HOST_ENTRY, { error: 'must be host names, IP addresses or CIDR ranges separated by commas' })
            .refine(isNarrowEnough, { error: 'must not open whole address spaces: use CIDR ranges of at least /8 (IPv4) or /7 (IPv6)' }),
        ),
      ),
  );

const environmentSchema = z.object({
  NODE_ENV: z.preprocess(unsetIfEmpty, z.enum(['production', 'development', 'test']).default('production')),
  LOG_LEVEL: z.preprocess(unsetIfEmpty, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional()),
  OVERSHARE_DATA_DIR: z.preprocess(unsetIfEmpty, z.string().default('./.overshare')),
  OVERSHARE_POLICY_FILE: z.preprocess(unsetIfEmpty, z.string().optional()),
  DATABASE_URL: urlWithScheme(['postgres:', 'postgresql:']),
  DATABASE_POOL_MAX: wholeNumber(1, 200, 10),
  DATABASE_CONNECT_TIMEOUT_MS: wholeNumber(100, 600_000, 5_000),
  DATABASE_STATEMENT_TIMEOUT_MS: wholeNumber(0, 3_600_000, 60_000),
  HOST: z.preprocess(unsetIfEmpty, z.string().default('127.0.0.1')),
  PORT: wholeNumber(0, 65_535, 8080),
  READINESS_TIMEOUT_MS: wholeNumber(100, 60_000, 2_000),
  SHUTDOWN_TIMEOUT_MS: wholeNumber(0, 600_000, 10_000),
  OCR_LANG_PATH: z.preprocess(unsetIfEmpty, z.string().optional()),
  OCR_LANGUAGES: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .trim()
      .regex(new RegExp(`^${LANGUAGE_CODE}(?:\\+${LANGUAGE_CODE})*$`, 'u'), { error: 'must be tesseract language codes joined by "+", such as eng+pol+rus+ukr+ell' })
      .default('eng+pol+rus+ukr+ell'),
  ),
  OCR_WORKERS: wholeNumber(0, 64, 0),
  OCR_MAX_IMAGE_BYTES: wholeNumber(1_024, 500_000_000, 20_971_520),
  OCR_MAX_IMAGE_PIXELS: wholeNumber(10_000, 500_000_000, 40_000_000),
  OCR_IMAGE_TIMEOUT_MS: wholeNumber(1_000, 3_600_000, 60_000),
  OCR_RECYCLE_AFTER_IMAGES: wholeNumber(1, 1_000_000, 200),
  CHROME_PATH: z.preprocess(unsetIfEmpty, z.string().optional()),
  CRAWL_ALLOWED_PRIVATE_HOSTS: allowedHostList,
  CRAWL_BASE_URLS: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .default('')
      .transform((value) => value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== ''))
      .pipe(z.array(z.string().regex(/^[a-z]+=https?:\/\/\S+$/u, { error: 'must be platform=URL pairs separated by commas, such as mastodon=https://mastodon.example' }))),
  ),
  CRAWL_USER_AGENT: z.preprocess(unsetIfEmpty, z.string().optional()),
  CRAWL_REQUEST_TIMEOUT_MS: wholeNumber(100, 600_000, 30_000),
  CRAWL_NAVIGATION_TIMEOUT_MS: wholeNumber(100, 600_000, 45_000),
  CRAWL_MAX_PAGE_BYTES: wholeNumber(1_024, 500_000_000, 10_485_760),
  CRAWL_MAX_MEDIA_BYTES: wholeNumber(1_024, 500_000_000, 20_971_520),
  CRAWL_MAX_REDIRECTS: wholeNumber(0, 20, 5),
  CRAWL_RETRIES: wholeNumber(0, 20, 4),
  CRAWL_BACKOFF_BASE_MS: wholeNumber(1, 600_000, 1_000),
  CRAWL_MAX_RETRY_WAIT_MS: wholeNumber(0, 3_600_000, 300_000),
  CRAWL_CONCURRENCY_PER_PLATFORM: wholeNumber(1, 256, 4),
  CRAWL_REQUESTS_PER_SECOND: wholeNumber(1, 10_000, 2),
  CRAWL_BACKFILL_POSTS: wholeNumber(1, 100_000, 200),
  CRAWL_CATCHUP_POSTS: wholeNumber(1, 100_000, COVERAGE_DEFAULTS.catchupPosts),
  CRAWL_BROWSER_PAGES: wholeNumber(1, 32, 2),
  CRAWL_BROWSER_RECYCLE_AFTER_PAGES: wholeNumber(1, 100_000, 100),
  REDIS_URL: urlWithScheme(['redis:', 'rediss:']),
  REDIS_QUEUE_PREFIX: z.preprocess(
    unsetIfEmpty,
    z.string().regex(/^[\w-]{1,64}$/u, { error: 'must be 1 to 64 letters, digits, "_" or "-"' }).default('overshare'),
  ),
  PIPELINE_COLLECT_CONCURRENCY: wholeNumber(1, 256, 8),
  PIPELINE_EXTRACT_CONCURRENCY: wholeNumber(1, 64, 2),
  PIPELINE_ANALYZE_CONCURRENCY: wholeNumber(1, 256, 4),
  PIPELINE_JOB_ATTEMPTS: wholeNumber(1, 100, 6),
  PIPELINE_BACKOFF_BASE_MS: wholeNumber(1, 600_000, 2_000),
  PIPELINE_MAX_BACKOFF_MS: wholeNumber(1, 86_400_000, 300_000),
  SCAN_DEFAULT_SCHEDULE: z.preprocess(unsetIfEmpty, z.string().trim().default('24h')),
  SCHEDULER_TICK_MS: wholeNumber(100, 3_600_000, 15_000),
  SCHEDULER_PLATFORM_CLAIM_LIMIT: wholeNumber(1, 100_000, COVERAGE_DEFAULTS.platformClaimLimit),
  COVERAGE_RETRY_BASE_MS: wholeNumber(1_000, 86_400_000, COVERAGE_DEFAULTS.retryBaseMs),
  COVERAGE_RETRY_MAX_MS: wholeNumber(1_000, 604_800_000, COVERAGE_DEFAULTS.retryMaxMs),
  SECRET_KEY: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .trim()
      .refine((value) => Buffer.from(value, 'base64').length === 32 && /^[A-Za-z0-9+/=_-]+$/u.test(value), {
        error: 'must be 32 random bytes in base64 (make one with: openssl rand -base64 32)',
      })
      .optional(),
  ),
  TLS_CERT_FILE: z.preprocess(unsetIfEmpty, z.string().optional()),
  TLS_KEY_FILE: z.preprocess(unsetIfEmpty, z.string().optional()),
  PUBLIC_URL: urlWithScheme(['http:', 'https:']),
  SESSION_IDLE_TIMEOUT_MS: wholeNumber(60_000, 604_800_000, 3_600_000),
  SESSION_MAX_AGE_MS: wholeNumber(60_000, 2_592_000_000, 43_200_000),
  SINK_ALLOWED_PRIVATE_HOSTS: allowedHostList,
  SINK_POLL_MS: wholeNumber(100, 3_600_000, 2_000),
  SINK_BATCH_SIZE: wholeNumber(1, 10_000, 100),
  SINK_DISABLE_AFTER_MS: wholeNumber(60_000, 2_592_000_000, 86_400_000),
});

/** Every setting overshare reads from the environment, with units in the names. */
export interface Config {
  nodeEnv: 'production' | 'development' | 'test';
  /** Unset means each command's own default: `info` for serve, `warn` for one-shot commands. */
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' | undefined;
  /** Absolute folder for embedded data (PGlite); default `./.overshare`. */
  dataDir: string;
  /** Absolute path of the policy file, when one is configured. */
  policyFile: string | undefined;
  database: {
    /** PostgreSQL URL; unset means the embedded PGlite database in `dataDir`. */
    url: string | undefined;
    poolMax: number;
    connectTimeoutMs: number;
    /** 0 disables the statement timeout. */
    statementTimeoutMs: number;
  };
  server: {
    host: string;
    port: number;
    readinessTimeoutMs: number;
    shutdownTimeoutMs: number;
    /** Certificate and key (PEM files) to serve HTTPS directly; both or neither. */
    tlsCertFile: string | undefined;
    tlsKeyFile: string | undefined;
    /** Where users reach the server, when a proxy in front terminates TLS; https makes cookies Secure. */
    publicUrl: string | undefined;
  };
  auth: {
    /** 32-byte key (base64) sealing sink secrets; unset means `secret.key` in the data folder, made on first use. */
    secretKey: Buffer | undefined;
    /** A session ends after this long without a request. */
    sessionIdleTimeoutMs: number;
    /** A session ends this long after sign-in, however busy. */
    sessionMaxAgeMs: number;
  };
  sinks: {
    /** SIEM hosts on private networks that sinks may reach (host names, IPs, CIDR ranges); empty by default. */
    allowedPrivateHosts: string[];
    /** How often idle SIEM sinks look for new events. */
    pollMs: number;
    /** Events per delivery (webhooks send them one request each, in order). */
    batchSize: number;
    /** A sink failing without a break for this long is disabled until re-enabled. */
    disableAfterMs: number;
  };
  ocr: {
    /** Folder with `<lang>.traineddata`; unset means the system's tesseract data folder. */
    langPath: string | undefined;
    /** Tesseract language codes, the first one primary. */
    languages: string[];
    /** Tesseract workers; 0 means one per core. */
    workers: number;
    maxImageBytes: number;
    maxImagePixels: number;
    imageTimeoutMs: number;
    recycleAfterImages: number;
  };
  crawl: {
    /** Chrome or Chromium executable; unset means the usual system paths are searched. */
    chromePath: string | undefined;
    /** Host names, IPs and CIDR ranges the address guard lets through although private (tests only). */
    allowedPrivateHosts: string[];
    /** Base URL per platform (`mastodon` → `https://mastodon.example`), overriding the public default. */
    baseUrls: Record<string, string>;
    /** User-Agent of every crawler request; unset means `overshare/<version>`. */
    userAgent: string | undefined;
    requestTimeoutMs: number;
    navigationTimeoutMs: number;
    maxPageBytes: number;
    maxMediaBytes: number;
    maxRedirects: number;
    /** Retries of a transient failure (429, 5xx, timeout), with exponential backoff and jitter. */
    retries: number;
    backoffBaseMs: number;
    /** A server asking us to wait longer than this fails the request as transient instead. */
    maxRetryWaitMs: number;
    concurrencyPerPlatform: number;
    requestsPerSecond: number;
    /** Posts collected on an account's first scan (no cursor yet). */
    backfillPosts: number;
    browserPages: number;
    browserRecycleAfterPages: number;
  };
  pipeline: {
    /** Redis for BullMQ queues; unset means every stage runs in-process. */
    redisUrl: string | undefined;
    /** Prefix of every BullMQ key, so several installations (or tests) can share one Redis. */
    queuePrefix: string;
    /** Jobs of each stage run at once per process. */
    collectConcurrency: number;
    extractConcurrency: number;
    analyzeConcurrency: number;
    /** Tries of a job before it is recorded as failed; permanent errors are never retried. */
    jobAttempts: number;
    /** Backoff between tries: base × 2^(try-1), with full jitter, capped at maxBackoffMs. */
    backoffBaseMs: number;
    maxBackoffMs: number;
    /** The schedule of accounts that have none of their own (`24h`, `6h`, a cron expression). */
    defaultSchedule: string;
    /** How often the scheduler looks for due accounts, unfinished scans and lost jobs. */
    schedulerTickMs: number;
  };
  /** Knowing what was not covered: catch-up after an outage, retries of failing accounts, no thundering herd. */
  coverage: {
    /** Posts a reading with a cursor collects at most (CRAWL_CATCHUP_POSTS): the catch-up depth after an outage; older ones are reported uncovered. */
    catchupPosts: number;
    /** A failing account is read again after retryBaseMs × 2^(failures−1), ±25 % jitter, capped at retryMaxMs and never after its next scheduled scan. */
    retryBaseMs: number;
    retryMaxMs: number;
    /** Accounts of one platform a scheduler round claims at most (SCHEDULER_PLATFORM_CLAIM_LIMIT), so a platform back from an outage is not flooded. */
    platformClaimLimit: number;
  };
}

/** The variables overshare reads, for `--help` texts and docs. */
export const CONFIG_VARIABLES = Object.keys(environmentSchema.shape);

/**
 * Parses the environment into a `Config`. Throws one ConfigError listing every bad variable,
 * with the value shown for ordinary variables and hidden for secrets.
 */
export function loadConfig(
  environment: Readonly<Record<string, string | undefined>> = process.env,
  cwd: string = process.cwd(),
): Config {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? '(environment)');
      const raw = environment[variable];
      const shown = SECRET_VARIABLES.has(variable) ? '(value hidden)' : `(got ${JSON.stringify(raw)})`;
      return `  ${variable} ${issue.message} ${shown}`;
    });
    throw new ConfigError(
      [`The environment has ${problems.length} bad variable(s):`, ...problems, 'Fix or unset them and start again.'].join(
        '\n',
      ),
    );
  }
  const env = parsed.data;
  if (env.REDIS_URL !== undefined && env.DATABASE_URL === undefined) {
    // Each worker would scan into its own embedded database, and jobs would name scans it has never seen.
    throw new ConfigError(
      'REDIS_URL is set but DATABASE_URL is not: queued scans need one PostgreSQL that serve and every worker share. Set DATABASE_URL=postgres://…, or unset REDIS_URL to run scans in-process on the embedded database.',
    );
  }
  if (env.COVERAGE_RETRY_MAX_MS < env.COVERAGE_RETRY_BASE_MS) {
    throw new ConfigError(`COVERAGE_RETRY_MAX_MS (${env.COVERAGE_RETRY_MAX_MS}) is below COVERAGE_RETRY_BASE_MS (${env.COVERAGE_RETRY_BASE_MS}): the longest wait must be at least the first one.`);
  }
  if ((env.TLS_CERT_FILE === undefined) !== (env.TLS_KEY_FILE === undefined)) {
    throw new ConfigError('Only one of TLS_CERT_FILE and TLS_KEY_FILE is set: HTTPS needs both (PEM files), or neither for plain HTTP.');
  }
  return {
    nodeEnv: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    dataDir: path.resolve(cwd, env.OVERSHARE_DATA_DIR),
    policyFile: env.OVERSHARE_POLICY_FILE === undefined ? undefined : path.resolve(cwd, env.OVERSHARE_POLICY_FILE),
    database: { url: env.DATABASE_URL, poolMax: env.DATABASE_POOL_MAX, connectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT_MS, statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS },
    server: {
      ...{ host: env.HOST, port: env.PORT, readinessTimeoutMs: env.READINESS_TIMEOUT_MS, shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS },
      tlsCertFile: env.TLS_CERT_FILE === undefined ? undefined : path.resolve(cwd, env.TLS_CERT_FILE),
      tlsKeyFile: env.TLS_KEY_FILE === undefined ? undefined : path.resolve(cwd, env.TLS_KEY_FILE),
      publicUrl: env.PUBLIC_URL,
    },
    auth: {
      secretKey: env.SECRET_KEY === undefined ? undefined : Buffer.from(env.SECRET_KEY, 'base64'),
      ...{ sessionIdleTimeoutMs: env.SESSION_IDLE_TIMEOUT_MS, sessionMaxAgeMs: env.SESSION_MAX_AGE_MS },
    },
    sinks: { allowedPrivateHosts: env.SINK_ALLOWED_PRIVATE_HOSTS, pollMs: env.SINK_POLL_MS, batchSize: env.SINK_BATCH_SIZE, disableAfterMs: env.SINK_DISABLE_AFTER_MS },
    ocr: {
      langPath: env.OCR_LANG_PATH === undefined ? undefined : path.resolve(cwd, env.OCR_LANG_PATH),
      languages: env.OCR_LANGUAGES.split('+'),
      workers: env.OCR_WORKERS,
      ...{ maxImageBytes: env.OCR_MAX_IMAGE_BYTES, maxImagePixels: env.OCR_MAX_IMAGE_PIXELS },
      ...{ imageTimeoutMs: env.OCR_IMAGE_TIMEOUT_MS, recycleAfterImages: env.OCR_RECYCLE_AFTER_IMAGES },
    },
    crawl: {
      chromePath: env.CHROME_PATH,
      allowedPrivateHosts: env.CRAWL_ALLOWED_PRIVATE_HOSTS,
      baseUrls: Object.fromEntries(env.CRAWL_BASE_URLS.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)])),
      userAgent: env.CRAWL_USER_AGENT,
      requestTimeoutMs: env.CRAWL_REQUEST_TIMEOUT_MS,
      navigationTimeoutMs: env.CRAWL_NAVIGATION_TIMEOUT_MS,
      maxPageBytes: env.CRAWL_MAX_PAGE_BYTES,
      maxMediaBytes: env.CRAWL_MAX_MEDIA_BYTES,
      maxRedirects: env.CRAWL_MAX_REDIRECTS,
      retries: env.CRAWL_RETRIES,
      backoffBaseMs: env.CRAWL_BACKOFF_BASE_MS,
      maxRetryWaitMs: env.CRAWL_MAX_RETRY_WAIT_MS,
      concurrencyPerPlatform: env.CRAWL_CONCURRENCY_PER_PLATFORM,
      requestsPerSecond: env.CRAWL_REQUESTS_PER_SECOND,
      backfillPosts: env.CRAWL_BACKFILL_POSTS,
      browserPages: env.CRAWL_BROWSER_PAGES,
      browserRecycleAfterPages: env.CRAWL_BROWSER_RECYCLE_AFTER_PAGES,
    },
    pipeline: {
      redisUrl: env.REDIS_URL,
      queuePrefix: env.REDIS_QUEUE_PREFIX,
      collectConcurrency: env.PIPELINE_COLLECT_CONCURRENCY,
      extractConcurrency: env.PIPELINE_EXTRACT_CONCURRENCY,
      analyzeConcurrency: env.PIPELINE_ANALYZE_CONCURRENCY,
      jobAttempts: env.PIPELINE_JOB_ATTEMPTS,
      backoffBaseMs: env.PIPELINE_BACKOFF_BASE_MS,
      maxBackoffMs: env.PIPELINE_MAX_BACKOFF_MS,
      defaultSchedule: env.SCAN_DEFAULT_SCHEDULE,
      schedulerTickMs: env.SCHEDULER_TICK_MS,
    },
    coverage: {
      ...{ catchupPosts: env.CRAWL_CATCHUP_POSTS, retryBaseMs: env.COVERAGE_RETRY_BASE_MS, retryMaxMs: env.COVERAGE_RETRY_MAX_MS },
      platformClaimLimit: env.SCHEDULER_PLATFORM_CLAIM_LIMIT,
    },
  };
}

/**
 * A URL rebuilt from its scheme, user, host, port and path only, with any password shown as `***`:
 * safe for logs and messages. Query strings and fragments (which may carry credentials too) are
 * dropped, and a URL with no host is not shown at all.
 */
export function redactUrl(url: string): string {
  if (!URL.canParse(url)) return '(unparseable URL)';
  const parsed = new URL(url);
  if (parsed.host === '') return '(URL without a host)';
  const credentials = parsed.username === '' ? '' : `${parsed.username}${parsed.password === '' ? '' : ':***'}@`;
  return `${parsed.protocol}//${credentials}${parsed.host}${parsed.pathname}`;
}

// 0.0.0.0/0 or ::/0 in CRAWL_ALLOWED_PRIVATE_HOSTS would switch the address guard off altogether.
function isNarrowEnough(entry: string): boolean {
  const prefix = /\/(\d{1,3})$/u.exec(entry)?.[1];
  if (prefix === undefined) return true;
  return Number(prefix) >= (entry.includes(':') ? 7 : 8);
}

function hasScheme(value: string, schemes: readonly string[]): boolean {
  if (!URL.canParse(value)) return false;
  const parsed = new URL(value);
  return schemes.includes(parsed.protocol) && parsed.hostname !== '';
}
