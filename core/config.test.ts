import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, COVERAGE_DEFAULTS, loadConfig, redactUrl } from './config.js';
import { ConfigError } from './errors.js';

const CWD = '/srv/overshare';

/** The ConfigError message `loadConfig` throws for `environment`; fails the test when it does not throw. */
function configErrorFor(environment: Record<string, string>): string {
  try {
    loadConfig(environment, CWD);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(environment)}`);
}

describe('loadConfig', () => {
  describe('defaults', () => {
    it('returns every default when the environment is empty', () => {
      expect(loadConfig({}, CWD)).toEqual({
        nodeEnv: 'production',
        logLevel: undefined,
        dataDir: '/srv/overshare/.overshare',
        policyFile: undefined,
        database: { url: undefined, poolMax: 10, connectTimeoutMs: 5_000, statementTimeoutMs: 60_000 },
        server: { host: '127.0.0.1', port: 8080, readinessTimeoutMs: 2_000, shutdownTimeoutMs: 10_000, tlsCertFile: undefined, tlsKeyFile: undefined, publicUrl: undefined },
        ocr: {
          langPath: undefined,
          languages: ['eng', 'pol', 'rus', 'ukr', 'ell'],
          workers: 0,
          maxImageBytes: 20_971_520,
          maxImagePixels: 40_000_000,
          imageTimeoutMs: 60_000,
          recycleAfterImages: 200,
        },
        crawl: {
          ...{ chromePath: undefined, allowedPrivateHosts: [], baseUrls: {}, userAgent: undefined, requestTimeoutMs: 30_000, navigationTimeoutMs: 45_000 },
          ...{ maxPageBytes: 10_485_760, maxMediaBytes: 20_971_520, maxRedirects: 5, retries: 4, backoffBaseMs: 1_000, maxRetryWaitMs: 300_000 },
          ...{ concurrencyPerPlatform: 4, requestsPerSecond: 2, backfillPosts: 200, browserPages: 2, browserRecycleAfterPages: 100 },
        },
        auth: { secretKey: undefined, sessionIdleTimeoutMs: 3_600_000, sessionMaxAgeMs: 43_200_000 },
        sinks: { allowedPrivateHosts: [], pollMs: 2_000, batchSize: 100, disableAfterMs: 86_400_000 },
        pipeline: {
          ...{ redisUrl: undefined, queuePrefix: 'overshare', collectConcurrency: 8, extractConcurrency: 2, analyzeConcurrency: 4 },
          ...{ jobAttempts: 6, backoffBaseMs: 2_000, maxBackoffMs: 300_000, defaultSchedule: '24h', schedulerTickMs: 15_000 },
        },
        coverage: { catchupPosts: 1_000, retryBaseMs: 300_000, retryMaxMs: 21_600_000, platformClaimLimit: 25 },
      });
    });

    it('refuses REDIS_URL without DATABASE_URL, saying why', () => {
      expect(() => loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }, CWD)).toThrow(/REDIS_URL is set but DATABASE_URL is not: .*unset REDIS_URL/u);
    });

    it('ignores variables it does not know', () => {
      expect(loadConfig({ PATH: '/usr/bin', HOME: '/root' }, CWD)).toEqual(loadConfig({}, CWD));
    });

    it('treats an empty variable as unset', () => {
      const config = loadConfig(
        { NODE_ENV: '', LOG_LEVEL: '', OVERSHARE_DATA_DIR: '', OVERSHARE_POLICY_FILE: '', DATABASE_URL: '', PORT: '', HOST: '' },
        CWD,
      );

      expect(config).toEqual(loadConfig({}, CWD));
    });
  });

  describe('values', () => {
    it('reads every variable it knows', () => {
      const config = loadConfig(
        {
          NODE_ENV: 'test',
          LOG_LEVEL: 'debug',
          OVERSHARE_DATA_DIR: '/var/lib/overshare',
          OVERSHARE_POLICY_FILE: '/etc/overshare/policy.yaml',
          DATABASE_URL: 'postgres://overshare:pw@db.internal:5432/overshare',
          DATABASE_POOL_MAX: '25',
          DATABASE_CONNECT_TIMEOUT_MS: '750',
          DATABASE_STATEMENT_TIMEOUT_MS: '0',
          HOST: '0.0.0.0',
          PORT: '9090',
          READINESS_TIMEOUT_MS: '500',
          SHUTDOWN_TIMEOUT_MS: '30000',
          OCR_LANG_PATH: 'tessdata',
          OCR_LANGUAGES: 'ell+eng',
          OCR_WORKERS: '3',
          OCR_MAX_IMAGE_BYTES: '1048576',
          OCR_MAX_IMAGE_PIXELS: '12000000',
          OCR_IMAGE_TIMEOUT_MS: '5000',
          OCR_RECYCLE_AFTER_IMAGES: '50',
          CHROME_PATH: '/opt/chrome/chrome',
          CRAWL_ALLOWED_PRIVATE_HOSTS: ' 127.0.0.1, fixture.test ,10.0.0.0/8,::1',
          CRAWL_BASE_URLS: 'mastodon=https://mastodon.example,bluesky=http://127.0.0.1:9000/bsky',
          CRAWL_USER_AGENT: 'overshare-test',
          CRAWL_REQUEST_TIMEOUT_MS: '1000',
          CRAWL_NAVIGATION_TIMEOUT_MS: '2000',
          CRAWL_MAX_PAGE_BYTES: '65536',
          CRAWL_MAX_MEDIA_BYTES: '131072',
          CRAWL_MAX_REDIRECTS: '2',
          CRAWL_RETRIES: '1',
          CRAWL_BACKOFF_BASE_MS: '10',
          CRAWL_MAX_RETRY_WAIT_MS: '5000',
          CRAWL_CONCURRENCY_PER_PLATFORM: '8',
          CRAWL_REQUESTS_PER_SECOND: '50',
          CRAWL_BACKFILL_POSTS: '20',
          CRAWL_CATCHUP_POSTS: '50',
          CRAWL_BROWSER_PAGES: '3',
          CRAWL_BROWSER_RECYCLE_AFTER_PAGES: '10',
          REDIS_URL: 'redis://:pw@queue.internal:6379/2',
          REDIS_QUEUE_PREFIX: 'overshare-eu',
          PIPELINE_COLLECT_CONCURRENCY: '3',
          PIPELINE_EXTRACT_CONCURRENCY: '1',
          PIPELINE_ANALYZE_CONCURRENCY: '9',
          PIPELINE_JOB_ATTEMPTS: '2',
          PIPELINE_BACKOFF_BASE_MS: '50',
          PIPELINE_MAX_BACKOFF_MS: '500',
          SCAN_DEFAULT_SCHEDULE: '0 6 * * 1-5',
          SCHEDULER_TICK_MS: '1000',
          SCHEDULER_PLATFORM_CLAIM_LIMIT: '5',
          COVERAGE_RETRY_BASE_MS: '60000',
          COVERAGE_RETRY_MAX_MS: '3600000',
        },
        CWD,
      );

      expect(config).toEqual({
        nodeEnv: 'test',
        logLevel: 'debug',
        dataDir: '/var/lib/overshare',
        policyFile: '/etc/overshare/policy.yaml',
        database: {
          url: 'postgres://overshare:pw@db.internal:5432/overshare',
          poolMax: 25,
          connectTimeoutMs: 750,
          statementTimeoutMs: 0,
        },
        server: { host: '0.0.0.0', port: 9090, readinessTimeoutMs: 500, shutdownTimeoutMs: 30_000, tlsCertFile: undefined, tlsKeyFile: undefined, publicUrl: undefined },
        ocr: {
          langPath: '/srv/overshare/tessdata',
          languages: ['ell', 'eng'],
          workers: 3,
          maxImageBytes: 1_048_576,
          maxImagePixels: 12_000_000,
          imageTimeoutMs: 5_000,
          recycleAfterImages: 50,
        },
        crawl: {
          ...{ chromePath: '/opt/chrome/chrome', allowedPrivateHosts: ['127.0.0.1', 'fixture.test', '10.0.0.0/8', '::1'], userAgent: 'overshare-test' },
          baseUrls: { mastodon: 'https://mastodon.example', bluesky: 'http://127.0.0.1:9000/bsky' },
          ...{ requestTimeoutMs: 1_000, navigationTimeoutMs: 2_000, maxPageBytes: 65_536, maxMediaBytes: 131_072, maxRedirects: 2, retries: 1 },
          ...{ backoffBaseMs: 10, maxRetryWaitMs: 5_000, concurrencyPerPlatform: 8, requestsPerSecond: 50, backfillPosts: 20, browserPages: 3 },
          browserRecycleAfterPages: 10,
        },
        auth: { secretKey: undefined, sessionIdleTimeoutMs: 3_600_000, sessionMaxAgeMs: 43_200_000 },
        sinks: { allowedPrivateHosts: [], pollMs: 2_000, batchSize: 100, disableAfterMs: 86_400_000 },
        pipeline: {
          ...{ redisUrl: 'redis://:pw@queue.internal:6379/2', queuePrefix: 'overshare-eu', collectConcurrency: 3, extractConcurrency: 1 },
          ...{ analyzeConcurrency: 9, jobAttempts: 2, backoffBaseMs: 50, maxBackoffMs: 500, defaultSchedule: '0 6 * * 1-5', schedulerTickMs: 1_000 },
        },
        coverage: { catchupPosts: 50, retryBaseMs: 60_000, retryMaxMs: 3_600_000, platformClaimLimit: 5 },
      });
    });

    it('keeps the coverage defaults in COVERAGE_DEFAULTS, which callers given no settings use', () => {
      expect(loadConfig({}, CWD).coverage).toEqual(COVERAGE_DEFAULTS);
    });

    it('refuses a COVERAGE_RETRY_MAX_MS below COVERAGE_RETRY_BASE_MS, naming both', () => {
      expect(() => loadConfig({ COVERAGE_RETRY_BASE_MS: '600000', COVERAGE_RETRY_MAX_MS: '60000' }, CWD)).toThrow(
        /COVERAGE_RETRY_MAX_MS \(60000\) is below COVERAGE_RETRY_BASE_MS \(600000\)/u,
      );
      expect(() => loadConfig({ CRAWL_CATCHUP_POSTS: '0' }, CWD)).toThrow(/CRAWL_CATCHUP_POSTS must be a whole number from 1/u);
    });

    it('refuses allowed private hosts and base URLs it cannot read, naming the variable', () => {
      expect(() => loadConfig({ CRAWL_ALLOWED_PRIVATE_HOSTS: '127.0.0.1,http://x' }, CWD)).toThrow(
        /CRAWL_ALLOWED_PRIVATE_HOSTS must be host names, IP addresses or CIDR ranges/u,
      );
      expect(() => loadConfig({ CRAWL_BASE_URLS: 'mastodon:https://x' }, CWD)).toThrow(/CRAWL_BASE_URLS must be platform=URL pairs/u);
      expect(() => loadConfig({ CRAWL_ALLOWED_PRIVATE_HOSTS: '0.0.0.0/0' }, CWD)).toThrow(/must not open whole address spaces/u);
      expect(() => loadConfig({ CRAWL_ALLOWED_PRIVATE_HOSTS: '::/0' }, CWD)).toThrow(/must not open whole address spaces/u);
      expect(loadConfig({ CRAWL_ALLOWED_PRIVATE_HOSTS: '10.0.0.0/8,fc00::/7' }, CWD).crawl.allowedPrivateHosts).toEqual(['10.0.0.0/8', 'fc00::/7']);
      expect(loadConfig({}, CWD).crawl.allowedPrivateHosts).toEqual([]);
    });

    it('refuses OCR languages that are not tesseract codes joined by "+", naming the variable', () => {
      expect(() => loadConfig({ OCR_LANGUAGES: 'en,ru' }, CWD)).toThrow(/OCR_LANGUAGES must be tesseract language codes joined by "\+"/u);
      expect(() => loadConfig({ OCR_LANGUAGES: 'eng+../x' }, CWD)).toThrow(/OCR_LANGUAGES/u);
      expect(() => loadConfig({ OCR_MAX_IMAGE_PIXELS: '10' }, CWD)).toThrow(/OCR_MAX_IMAGE_PIXELS must be a whole number from 10000/u);
    });

    it('resolves a relative OVERSHARE_DATA_DIR against cwd', () => {
      expect(loadConfig({ OVERSHARE_DATA_DIR: 'data' }, CWD).dataDir).toBe('/srv/overshare/data');
    });

    it('resolves a relative OVERSHARE_POLICY_FILE against cwd', () => {
      expect(loadConfig({ OVERSHARE_POLICY_FILE: '../policies/acme.yaml' }, CWD).policyFile).toBe('/srv/policies/acme.yaml');
    });

    it('keeps an absolute OVERSHARE_POLICY_FILE as it is', () => {
      expect(loadConfig({ OVERSHARE_POLICY_FILE: '/etc/acme.yaml' }, CWD).policyFile).toBe('/etc/acme.yaml');
    });

    it('accepts a postgresql:// DATABASE_URL', () => {
      expect(loadConfig({ DATABASE_URL: 'postgresql://db.internal/overshare' }, CWD).database.url).toBe(
        'postgresql://db.internal/overshare',
      );
    });

    it('rejects a DATABASE_URL with another scheme', () => {
      expect(configErrorFor({ DATABASE_URL: 'mysql://db.internal/overshare' })).toContain(
        'DATABASE_URL must be a URL starting with postgres:// or postgresql://',
      );
    });

    it('accepts the lowest and highest PORT', () => {
      expect([loadConfig({ PORT: '0' }, CWD).server.port, loadConfig({ PORT: '65535' }, CWD).server.port]).toEqual([0, 65_535]);
    });

    it('rejects a PORT one above the highest', () => {
      expect(configErrorFor({ PORT: '65536' })).toContain('PORT must be a whole number from 0 to 65535 (got "65536")');
    });

    it('accepts the smallest DATABASE_POOL_MAX', () => {
      expect(loadConfig({ DATABASE_POOL_MAX: '1' }, CWD).database.poolMax).toBe(1);
    });

    it('rejects a DATABASE_POOL_MAX of 0', () => {
      expect(configErrorFor({ DATABASE_POOL_MAX: '0' })).toContain(
        'DATABASE_POOL_MAX must be a whole number from 1 to 200 (got "0")',
      );
    });

    it('treats a variable of only spaces as unset, not as 0', () => {
      expect(loadConfig({ PORT: '  ', DATABASE_STATEMENT_TIMEOUT_MS: ' ' }, CWD)).toMatchObject({
        server: { port: 8080 },
        database: { statementTimeoutMs: 60_000 },
      });
    });

    it('refuses hexadecimal and exponent numbers instead of reinterpreting them', () => {
      expect(configErrorFor({ PORT: '0x10' })).toContain('PORT must be a whole number from 0 to 65535 (got "0x10")');
      expect(configErrorFor({ PORT: '1e3' })).toContain('(got "1e3")');
      expect(loadConfig({ PORT: ' 8081 ' }, CWD).server.port).toBe(8081);
    });

    it('rejects a DATABASE_URL with no host, which could not be shown safely', () => {
      const message = configErrorFor({ DATABASE_URL: 'postgres:/alice:s3cret@db.internal/overshare' });
      expect(message).toContain('DATABASE_URL must be a URL starting with postgres://');
      expect(message).not.toContain('s3cret');
    });

    it('rejects a fractional timeout', () => {
      expect(configErrorFor({ READINESS_TIMEOUT_MS: '1.5' })).toContain(
        'READINESS_TIMEOUT_MS must be a whole number from 100 to 60000 (got "1.5")',
      );
    });

    it('accepts a LOG_LEVEL pino knows', () => {
      expect(loadConfig({ LOG_LEVEL: 'silent' }, CWD).logLevel).toBe('silent');
    });

    it('rejects a LOG_LEVEL pino does not know', () => {
      expect(configErrorFor({ LOG_LEVEL: 'verbose' })).toContain(
      '  LOG_LEVEL Invalid option: expected one of "fatal"|"error"|"warn"|"info"|"debug"|"trace"|"silent" (got "verbose")\n',
    );
    });

    it('rejects an unknown NODE_ENV', () => {
      expect(configErrorFor({ NODE_ENV: 'prod' })).toContain(
      '  NODE_ENV Invalid option: expected one of "production"|"development"|"test" (got "prod")\n',
    );
    });
  });

  describe('errors', () => {
    it('lists every bad variable at once', () => {
      const message = configErrorFor({ PORT: 'abc', DATABASE_POOL_MAX: '500', SHUTDOWN_TIMEOUT_MS: '-1' });

      expect(message).toBe(
        [
          'The environment has 3 bad variable(s):',
          '  DATABASE_POOL_MAX must be a whole number from 1 to 200 (got "500")',
          '  PORT must be a whole number from 0 to 65535 (got "abc")',
          '  SHUTDOWN_TIMEOUT_MS must be a whole number from 0 to 600000 (got "-1")',
          'Fix or unset them and start again.',
        ].join('\n'),
      );
    });

    it('shows the value of an ordinary variable', () => {
      expect(configErrorFor({ PORT: 'abc' })).toContain('(got "abc")');
    });

    it('never shows the value of DATABASE_URL', () => {
      const message = configErrorFor({ DATABASE_URL: 'mysql://overshare:hunter2@db.internal/overshare' });

      expect(message).toBe(
        [
          'The environment has 1 bad variable(s):',
          '  DATABASE_URL must be a URL starting with postgres:// or postgresql:// (value hidden)',
          'Fix or unset them and start again.',
        ].join('\n'),
      );
    });

    it('hides DATABASE_URL while showing the other bad values beside it', () => {
      const message = configErrorFor({ DATABASE_URL: 'hunter2', PORT: 'abc' });

      expect(message).not.toContain('hunter2');
      expect(message).toContain('(got "abc")');
    });

    it('throws a ConfigError for a bad variable', () => {
      expect(() => loadConfig({ PORT: 'abc' }, CWD)).toThrow(ConfigError);
    });
  });
});

describe('CONFIG_VARIABLES', () => {
  it('names every variable loadConfig reads', () => {
    expect(CONFIG_VARIABLES).toEqual([
      'NODE_ENV',
      'LOG_LEVEL',
      'OVERSHARE_DATA_DIR',
      'OVERSHARE_POLICY_FILE',
      'DATABASE_URL',
      'DATABASE_POOL_MAX',
      'DATABASE_CONNECT_TIMEOUT_MS',
      'DATABASE_STATEMENT_TIMEOUT_MS',
      'HOST',
      'PORT',
      'READINESS_TIMEOUT_MS',
      'SHUTDOWN_TIMEOUT_MS',
      'OCR_LANG_PATH',
      'OCR_LANGUAGES',
      'OCR_WORKERS',
      'OCR_MAX_IMAGE_BYTES',
      'OCR_MAX_IMAGE_PIXELS',
      'OCR_IMAGE_TIMEOUT_MS',
      'OCR_RECYCLE_AFTER_IMAGES',
      'CHROME_PATH',
      'CRAWL_ALLOWED_PRIVATE_HOSTS',
      'CRAWL_BASE_URLS',
      'CRAWL_USER_AGENT',
      'CRAWL_REQUEST_TIMEOUT_MS',
      'CRAWL_NAVIGATION_TIMEOUT_MS',
      'CRAWL_MAX_PAGE_BYTES',
      'CRAWL_MAX_MEDIA_BYTES',
      'CRAWL_MAX_REDIRECTS',
      'CRAWL_RETRIES',
      'CRAWL_BACKOFF_BASE_MS',
      'CRAWL_MAX_RETRY_WAIT_MS',
      'CRAWL_CONCURRENCY_PER_PLATFORM',
      'CRAWL_REQUESTS_PER_SECOND',
      'CRAWL_BACKFILL_POSTS',
      'CRAWL_CATCHUP_POSTS',
      'CRAWL_BROWSER_PAGES',
      'CRAWL_BROWSER_RECYCLE_AFTER_PAGES',
      ...['REDIS_URL', 'REDIS_QUEUE_PREFIX', 'PIPELINE_COLLECT_CONCURRENCY', 'PIPELINE_EXTRACT_CONCURRENCY'],
      ...['PIPELINE_ANALYZE_CONCURRENCY', 'PIPELINE_JOB_ATTEMPTS', 'PIPELINE_BACKOFF_BASE_MS', 'PIPELINE_MAX_BACKOFF_MS'],
      ...['SCAN_DEFAULT_SCHEDULE', 'SCHEDULER_TICK_MS', 'SCHEDULER_PLATFORM_CLAIM_LIMIT', 'COVERAGE_RETRY_BASE_MS', 'COVERAGE_RETRY_MAX_MS'],
      ...['SECRET_KEY', 'TLS_CERT_FILE', 'TLS_KEY_FILE', 'PUBLIC_URL'],
      ...['SESSION_IDLE_TIMEOUT_MS', 'SESSION_MAX_AGE_MS', 'SINK_ALLOWED_PRIVATE_HOSTS', 'SINK_POLL_MS', 'SINK_BATCH_SIZE', 'SINK_DISABLE_AFTER_MS'],
    ]);
  });
});

describe('redactUrl', () => {
  it('replaces the password', () => {
    expect(redactUrl('postgres://alice:s3cret@db.internal:5432/overshare')).toBe('postgres://alice:***@db.internal:5432/overshare');
  });

  it('leaves a URL without a password unchanged', () => {
    expect(redactUrl('postgres://alice@db.internal/overshare')).toBe('postgres://alice@db.internal/overshare');
  });

  it('never returns the credentials of a URL without a host', () => {
    expect(redactUrl('postgres:/alice:s3cret@db.internal/x')).toBe('(URL without a host)');
  });

  it('drops the fragment as well as the query string', () => {
    expect(redactUrl('postgres://alice:s3cret@db:5432/x?sslpassword=p#frag')).toBe('postgres://alice:***@db:5432/x');
  });

  it('drops the query string, which may carry credentials', () => {
    expect(redactUrl('postgres://db.internal/overshare?sslmode=require&password=s3cret')).toBe('postgres://db.internal/overshare');
  });

  it('says a keyword connection string is unparseable instead of echoing it', () => {
    expect(redactUrl('host=db.internal user=alice password=s3cret')).toBe('(unparseable URL)');
  });
});
