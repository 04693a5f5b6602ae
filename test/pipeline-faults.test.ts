import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../core/config.js';
import { createCrawler } from '../crawler/create-crawler.js';
import { createOcrEngine, type OcrEngine } from '../ocr/ocr-engine.js';
import { createPipeline } from '../pipeline/create-pipeline.js';
import { loadRuleSet } from '../cli/load-rule-set.js';
import { migrateToLatest } from '../store/migrate-to-latest.js';
import { openDatabase, type Database } from '../store/open-database.js';
import { AccountsRepository } from '../store/repositories/accounts-repository.js';
import type { ScanProgress } from '../store/repositories/scan-runs-repository.js';
import type { Kysely } from 'kysely';
import type { Schema } from '../store/schema.js';
import { fixtureAccount } from './fixture-platform/all-fixtures.js';
import { generateFixtureNetwork, type FixtureNetwork } from './fixture-platform/fixture-network.js';
import { startFixtureServer, type FixtureServer } from './fixture-platform/fixture-server.js';
import { mastodonFixture } from './fixture-platform/platforms/mastodon-fixture.js';
import { capturingLogger } from './support/capturing-logger.js';
import { startPrivatePostgres, type PrivatePostgres } from './support/private-postgres.js';
import { startPrivateRedis, type PrivateRedis } from './support/private-redis.js';
import { assertCliBuilt, spawnCli, type CliProcess } from './support/run-cli.js';

/**
 * The distributed pipeline under faults, against real services of our own (a private redis-server
 * and PostgreSQL, restarted for real; the shared ones on :6379 and :5432 are never touched): one
 * scan worked by `overshare worker` processes while a worker is killed with SIGKILL, Redis is
 * restarted (losing every queued job), PostgreSQL is restarted, and the platform hangs up mid-page.
 * The scan must finish with every post and finding exactly once, the same as the same scan run
 * in-process on PGlite.
 */

const isTracing = process.env.DEBUG_FAULTS === '1';
const trace = (message: string) => {
  if (isTracing) console.log(new Date().toISOString(), message);
};

const ACCOUNTS = 24;
const POSTS_PER_ACCOUNT = 10;
const POLICY = 'examples/overshare.policy.yaml';
const DATABASE_OPTIONS = { poolMax: 4, connectTimeoutMs: 3_000, statementTimeoutMs: 30_000 };

// Every eighth post carries a marking the bundled rules flag; the others are plain chatter.
function writeTexts(network: FixtureNetwork): void {
  for (const account of network.accounts.values()) {
    for (const post of account.posts) {
      post.text = post.id % 8 === 0 ? `Memo from the board, STRICTLY CONFIDENTIAL draft #${account.handle}-${post.id}` : `Lunch with the team #${account.handle}-${post.id}`;
    }
  }
}

/** What a scan left in the database, comparable between runs: posts by id, findings by post and rule. */
async function outcome(db: Kysely<Schema>) {
  const posts = await db.selectFrom('posts').select(['external_id', 'url']).execute();
  const findings = await db
    .selectFrom('findings')
    .innerJoin('posts', 'posts.id', 'findings.post_id')
    .select(['posts.url', 'findings.rule_ids', 'findings.id'])
    .execute();
  const events = await db.selectFrom('finding_events').select(['finding_id', 'finding_version', 'type']).execute();
  const pathOf = (url: string) => new URL(url).pathname;
  return {
    posts: posts.map((post) => pathOf(post.url)).sort(),
    findings: findings.map((finding) => `${pathOf(finding.url)} ${finding.rule_ids.join(',')}`).sort(),
    findingIds: findings.map((finding) => finding.id),
    events,
    failedJobs: await db.selectFrom('failed_jobs').selectAll().execute(),
  };
}

describe('a distributed scan under faults', () => {
  const { log } = capturingLogger('error');
  let redis: PrivateRedis;
  let postgres: PrivatePostgres;
  let server: FixtureServer;
  const workers: CliProcess[] = [];

  beforeAll(async () => {
    assertCliBuilt();
    [redis, postgres] = await Promise.all([startPrivateRedis(), startPrivatePostgres()]);
    const network = generateFixtureNetwork({ accounts: ACCOUNTS, postsPerAccount: POSTS_PER_ACCOUNT, imageShare: 0.3, repostShare: 0 });
    writeTexts(network);
    server = await startFixtureServer(network, [mastodonFixture]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop('SIGKILL')));
    await server.close();
    await Promise.all([redis.dispose(), postgres.dispose()]);
  });

  const registerAll = async (db: Kysely<Schema>) => {
    const accounts = new AccountsRepository(db);
    const ids: string[] = [];
    for (const handle of server.network.accounts.keys()) {
      const ref = fixtureAccount('mastodon', server, handle);
      ids.push((await accounts.create({ platform: 'mastodon', handle: ref.handle, kind: 'employee', owner: { name: handle }, url: ref.baseUrl ?? '' })).id);
    }
    // Not due: the workers' schedulers must leave them to the test's own scan.
    await db.updateTable('accounts').set({ next_scan_at: new Date(Date.now() + 86_400_000) }).execute();
    return ids;
  };

  it('finishes with every post and finding exactly once after a killed worker, a Redis and a PostgreSQL restart and a platform outage', async () => {
    const prefix = `faults-${randomBytes(4).toString('hex')}`;
    const environment = {
      DATABASE_URL: postgres.url,
      DATABASE_CONNECT_TIMEOUT_MS: '3000',
      REDIS_URL: redis.url,
      REDIS_QUEUE_PREFIX: prefix,
      OVERSHARE_POLICY_FILE: POLICY,
      CRAWL_ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
      CRAWL_REQUESTS_PER_SECOND: '6',
      CRAWL_RETRIES: '1',
      CRAWL_BACKOFF_BASE_MS: '100',
      PIPELINE_JOB_ATTEMPTS: '40',
      PIPELINE_BACKOFF_BASE_MS: '200',
      PIPELINE_MAX_BACKOFF_MS: '1500',
      SCHEDULER_TICK_MS: '1000',
      OCR_WORKERS: '1',
      LOG_LEVEL: isTracing ? 'info' : 'error',
    };
    const config = loadConfig(environment, process.cwd());
    const database: Database = await openDatabase({ ...DATABASE_OPTIONS, url: postgres.url, dataDir: 'unused' }, log);
    const rules = await loadRuleSet(POLICY);
    const watcher = createPipeline({ db: database.db, settings: config.pipeline, retention: rules.policy.policy.retention, log });
    try {
      await migrateToLatest(database.db, log);
      const accountIds = await registerAll(database.db);

      const startWorker = async () => {
        const worker = spawnCli(['worker'], { env: environment });
        workers.push(worker);
        // DEBUG_FAULTS=1 keeps each worker's log in /tmp/worker-<pid>.log.
        if (isTracing) worker.child.stderr?.pipe(createWriteStream(`/tmp/worker-${worker.child.pid ?? 0}.log`));
        for (let waited = 0; !worker.output().stdout.includes('is taking jobs'); waited += 100) {
          if (waited > 30_000 || worker.child.exitCode !== null) throw new Error(`worker did not start:\n${worker.output().stderr}`);
          await sleep(100);
        }
        return worker;
      };
      const [first] = await Promise.all([startWorker(), startWorker()]);

      let latest: ScanProgress | undefined;
      const started = await watcher.coordinator.startScan('manual', accountIds);
      const finished = watcher.coordinator.waitForScan(started.id, { pollMs: 100, onProgress: (progress) => {
          trace(JSON.stringify(progress));
          latest = progress;
        },
       });
      const reached = async (accountsDone: number) => {
        while ((latest?.accounts.done ?? 0) < accountsDone) await sleep(50);
        expect(latest?.isDone, `the scan finished before fault at ${accountsDone} accounts`).toBe(false);
      };

      await reached(3);
      trace('kill');
      first.child.kill('SIGKILL');
      await startWorker();

      await reached(8);
      trace('redis');
      await redis.stop();
      await sleep(1_000);
      await redis.start();

      await reached(13);
      trace('pg');
      await postgres.stop({ mode: 'immediate' });
      await sleep(1_500);
      await postgres.start();

      await reached(18);
      trace('hangup');
      server.setFault('mastodon', { kind: 'hang-up' });
      await sleep(1_500);
      server.clearFaults();

      const run = await finished;
      expect(run.status).toBe('completed');
      expect(run.counts).toMatchObject({ accounts: ACCOUNTS, posts: ACCOUNTS * POSTS_PER_ACCOUNT, errors: 0 });
      const distributed = await outcome(database.db);
      expect(distributed.failedJobs).toEqual([]);
      expect(distributed.posts).toHaveLength(ACCOUNTS * POSTS_PER_ACCOUNT);
      expect(new Set(distributed.posts).size).toBe(ACCOUNTS * POSTS_PER_ACCOUNT);
      expect(distributed.findings.length).toBeGreaterThan(0);
      // One `finding.created` per finding and nothing else: no finding was recorded twice.
      expect(distributed.events.map((event) => event.type).every((type) => type === 'finding.created')).toBe(true);
      expect(distributed.events.map((event) => event.finding_id).sort()).toEqual([...distributed.findingIds].sort());

      // The same scan, in-process on PGlite, leaves the same posts and findings.
      server.clearFaults();
      const embedded = await openDatabase({ ...DATABASE_OPTIONS, dataDir: 'memory' }, log);
      const crawler = createCrawler(config.crawl, log);
      let ocr: Promise<OcrEngine> | undefined;
      const local = createPipeline({ db: embedded.db, settings: { ...config.pipeline, redisUrl: undefined }, retention: rules.policy.policy.retention, log });
      try {
        await migrateToLatest(embedded.db, log);
        await local.work({ crawler, ocr: () => (ocr ??= createOcrEngine({ workers: 1 })), ruleSet: rules.ruleSet });
        const localRun = await local.coordinator.waitForScan((await local.coordinator.startScan('manual', await registerAll(embedded.db))).id, { pollMs: 50 });
        expect(localRun.status).toBe('completed');
        const reference = await outcome(embedded.db);
        expect(distributed.posts).toEqual(reference.posts);
        expect(distributed.findings).toEqual(reference.findings);
      } finally {
        await local.close();
        await crawler.close();
        await (await ocr)?.close();
        await embedded.close();
      }
    } finally {
      await watcher.close();
      await database.close();
    }
  }, 240_000);
});
