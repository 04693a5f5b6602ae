import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '../core/logger.js';
import { migrateToLatest } from '../store/migrate-to-latest.js';
import { openDatabase, type Database, type OpenDatabaseOptions } from '../store/open-database.js';
import { AccountsRepository } from '../store/repositories/accounts-repository.js';
import { FindingEventsRepository } from '../store/repositories/finding-events-repository.js';
import { FindingsRepository } from '../store/repositories/findings-repository.js';
import { PostsRepository } from '../store/repositories/posts-repository.js';
import { createTestDatabase, postgresUnavailableReason } from '../test/support/postgres.js';
import { median } from './median.js';

/**
 * Store throughput, one writer as one pipeline worker would be: posts upserted, findings recorded
 * with their outbox event in one transaction each, the same findings recorded again (the
 * idempotent replay path), and the whole outbox read back by cursor in pages of 1,000.
 */
export interface StoreThroughputResult {
  engine: string;
  findings: number;
  postsPerS: number;
  findingsPerS: number;
  replayedFindingsPerS: number;
  eventsReadPerS: number;
}

const log = createLogger({ level: 'silent' });
const BASE_OPTIONS = { poolMax: 4, connectTimeoutMs: 10_000, statementTimeoutMs: 0 };

export async function runStoreThroughput(findingCount: number, runs: number): Promise<StoreThroughputResult[]> {
  const engines: Array<{ engine: string; open: () => Promise<Opened> }> = [
    { engine: 'PGlite (in memory)', open: () => openWith({ ...BASE_OPTIONS, dataDir: 'memory' }) },
    {
      engine: 'PGlite (data folder on disk)',
      open: async () => {
        const dataDir = await mkdtemp(path.join(tmpdir(), 'overshare-bench-'));
        const opened = await openWith({ ...BASE_OPTIONS, dataDir });
        return { database: opened.database, dispose: async () => { await opened.dispose(); await rm(dataDir, { recursive: true }); } };
      },
    },
  ];
  const postgresProblem = await postgresUnavailableReason();
  if (postgresProblem === null) {
    engines.push({
      engine: 'PostgreSQL 127.0.0.1',
      open: async () => {
        const testDatabase = await createTestDatabase();
        const opened = await openWith({ ...BASE_OPTIONS, url: testDatabase.url, dataDir: 'unused' });
        return { database: opened.database, dispose: async () => { await opened.dispose(); await testDatabase.drop(); } };
      },
    });
  } else {
    console.warn(`PostgreSQL not measured: ${postgresProblem}`);
  }

  const results: StoreThroughputResult[] = [];
  for (const { engine, open } of engines) {
    const samples: Array<Omit<StoreThroughputResult, 'engine' | 'findings'>> = [];
    for (let run = 0; run < runs; run += 1) {
      const { database, dispose } = await open();
      try {
        samples.push(await measureOnce(database, findingCount));
      } finally {
        await dispose();
      }
    }
    results.push({
      engine,
      findings: findingCount,
      postsPerS: median(samples.map((sample) => sample.postsPerS)),
      findingsPerS: median(samples.map((sample) => sample.findingsPerS)),
      replayedFindingsPerS: median(samples.map((sample) => sample.replayedFindingsPerS)),
      eventsReadPerS: median(samples.map((sample) => sample.eventsReadPerS)),
    });
  }
  return results;
}

interface Opened {
  database: Database;
  dispose: () => Promise<void>;
}

async function openWith(options: OpenDatabaseOptions): Promise<Opened> {
  const database = await openDatabase(options, log);
  await migrateToLatest(database.db, log);
  return { database, dispose: () => database.close() };
}

async function measureOnce(database: Database, findingCount: number) {
  const account = await new AccountsRepository(database.db).create({ platform: 'bench', handle: 'bench', kind: 'employee' });
  const posts = new PostsRepository(database.db);
  const findings = new FindingsRepository(database.db);
  const postCount = Math.ceil(findingCount / 2);

  let began = performance.now();
  const postIds: string[] = [];
  for (let index = 0; index < postCount; index += 1) {
    const { post } = await posts.upsert({
      accountId: account.id,
      platform: 'bench',
      externalId: String(index),
      url: `https://bench.example/p/${index}`,
      text: `Post ${index}: a desk photo with a memo on it, 300 characters of ordinary text and a link.`,
      mediaUrls: [`https://bench.example/m/${index}.jpg`],
    });
    postIds.push(post.id);
  }
  const postsPerS = postCount / seconds(began);

  const inputs = Array.from({ length: findingCount }, (_, index) => ({
    postId: postIds[index % postCount]!,
    accountId: account.id,
    ruleIds: [index % 2 === 0 ? 'marking-confidential' : 'aws-access-key'] as [string],
    category: index % 2 === 0 ? ('marking' as const) : ('secret' as const),
    severity: 'high' as const,
    score: 80,
    scoreBreakdown: { base: 70, context: 10 },
    evidence: { source: 'text' as const, text: `STRICTLY CONFIDENTIAL ${index}`, start: 0, end: 21 },
  }));
  began = performance.now();
  for (const input of inputs) await findings.record(input);
  const findingsPerS = findingCount / seconds(began);

  began = performance.now();
  for (const input of inputs) await findings.record(input);
  const replayedFindingsPerS = findingCount / seconds(began);

  const events = new FindingEventsRepository(database.db);
  began = performance.now();
  let cursor = 0;
  let read = 0;
  for (;;) {
    const page = await events.listAfter(cursor, 1_000);
    if (page.length === 0) break;
    read += page.length;
    cursor = page.at(-1)!.seq;
  }
  if (read !== findingCount) throw new Error(`read ${read} events, expected ${findingCount}`);
  const eventsReadPerS = read / seconds(began);
  return { postsPerS, findingsPerS, replayedFindingsPerS, eventsReadPerS };
}

function seconds(since: number): number {
  return (performance.now() - since) / 1000;
}
