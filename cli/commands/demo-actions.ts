import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { PermanentError } from '../../core/errors.js';
import type { Kysely } from 'kysely';
import type { Config } from '../../core/config.js';
import { OVERSHARE_VERSION } from '../../core/version.js';
import { DEMO_POLICY_PATH, startDemoPlatform, type DemoPlatform } from '../../demo/start-demo-platform.js';
import { hashPassword } from '../../server/auth/password-hash.js';
import { UsersRepository } from '../../store/repositories/users-repository.js';
import { openApi } from '../open-api.js';
import { startServer } from '../../server/start-server.js';
import { migrateToLatest } from '../../store/migrate-to-latest.js';
import { openDatabase } from '../../store/open-database.js';
import { AccountsRepository } from '../../store/repositories/accounts-repository.js';
import type { Schema } from '../../store/schema.js';
import { createCommandContext } from '../command-context.js';
import type { listenForStopSignal } from '../listen-for-stop-signal.js';
import { loadRuleSet } from '../load-rule-set.js';
import { openPipeline } from '../open-pipeline.js';
import { ScanProgressBar } from '../scan-progress-bar.js';
import { printDemoFindings } from '../print-demo-findings.js';

/** The options of `demo`, as commander parses them. */
export interface DemoOptions {
  dataDir: string;
  port: number;
  platformPort: number;
  once?: boolean;
}

/**
 * `demo`: starts the demo platform, scans its accounts into the demo's own embedded database,
 * prints the findings, then serves (with scheduled rescans) until `stop` is requested, or exits
 * after the scan with --once.
 */
export async function runDemo(options: DemoOptions, stop: ReturnType<typeof listenForStopSignal>): Promise<void> {
  const context = createCommandContext('warn');
  const { log } = context;
  // The demo's own choices (a private address let through, for its platform) are not worth a warning.
  if (context.config.logLevel === undefined) log.level = 'error';
  const config = demoConfig(context.config, path.resolve(options.dataDir));
  const platform = await startDemoPlatform({ port: options.platformPort }).catch((error: unknown) => {
    throw new PermanentError(
      `the demo platform cannot listen on 127.0.0.1:${options.platformPort} (is another demo running?): stop it, or pass --platform-port with a free port`,
      { cause: error },
    );
  });
  const database = await openDatabase({ ...config.database, dataDir: config.dataDir }, log.child({ module: 'store' }));
  try {
    await migrateToLatest(database.db, log.child({ module: 'migrate' }));
    console.log(`DEMO DATA: the demo platform at ${platform.origin} serves invented accounts and posts; the demo database is ${config.dataDir}.`);
    const accountIds = await registerDemoAccounts(database.db, platform);
    const rules = await loadRuleSet(DEMO_POLICY_PATH);
    const opened = await openPipeline(database, { config, log, work: true, rules });
    try {
      const bar = new ScanProgressBar();
      const started = await opened.pipeline.coordinator.startScan('manual', accountIds);
      const run = await opened.pipeline.coordinator.waitForScan(started.id, { onProgress: (progress) => bar.update(progress) });
      bar.finish();
      await printDemoFindings(database.db, run, config.dataDir);
      if (options.once === true || stop.isRequested()) return;
      opened.pipeline.schedule();
      const api = await openApi(database, { config, log, pipeline: opened.pipeline, rules });
      try {
        const password = await resetDemoAdmin(database.db);
        const server = await startServer(api.app, config.server.host, options.port, log);
        console.log(
          `\novershare ${OVERSHARE_VERSION} keeps running on ${server.url} with the demo data; the demo accounts are rescanned every 30 minutes. Stop with Ctrl+C.\n` +
            `The API is at ${server.url}/api/v1 (OpenAPI: ${server.url}/api/openapi.json). Sign in as ${DEMO_ADMIN} with the password ${password} (new on every demo run).`,
        );
        await stop.requested;
        await server.close(config.server.shutdownTimeoutMs);
      } finally {
        await api.close();
      }
    } finally {
      await opened.close();
    }
  } finally {
    await database.close();
    await platform.close();
  }
}

const DEMO_ADMIN = 'demo-admin';

/** Makes (or resets) the demo's admin user with a fresh random password, returned to be shown once. */
async function resetDemoAdmin(db: Kysely<Schema>): Promise<string> {
  const password = randomBytes(12).toString('base64url');
  const users = new UsersRepository(db);
  const hash = await hashPassword(password);
  const existing = await users.findByUsername(DEMO_ADMIN);
  if (existing) {
    await users.setPasswordHash(existing.id, hash);
    await users.setActive(existing.id, true);
  } else {
    await users.create({ username: DEMO_ADMIN, role: 'admin', passwordHash: hash, displayName: 'DEMO administrator' });
  }
  return password;
}

/** The configuration with everything the demo must not touch replaced: its own embedded database, no Redis, the demo policy. */
function demoConfig(config: Config, dataDir: string): Config {
  return {
    ...config,
    dataDir,
    policyFile: DEMO_POLICY_PATH,
    database: { ...config.database, url: undefined },
    pipeline: { ...config.pipeline, redisUrl: undefined },
    crawl: { ...config.crawl, allowedPrivateHosts: ['127.0.0.1'], requestsPerSecond: Math.max(config.crawl.requestsPerSecond, 50) },
  };
}

async function registerDemoAccounts(db: Kysely<Schema>, platform: DemoPlatform): Promise<string[]> {
  const accounts = new AccountsRepository(db);
  const ids: string[] = [];
  for (const account of platform.accounts) {
    const existing = await accounts.findByHandle(account.platform, account.handle);
    if (existing !== undefined) {
      // The demo platform may listen on another port this time.
      await db.updateTable('accounts').set({ url: account.baseUrl, updated_at: new Date() }).where('id', '=', existing.id).execute();
      ids.push(existing.id);
      continue;
    }
    const created = await accounts.create({
      platform: account.platform,
      handle: account.handle,
      kind: account.kind,
      url: account.baseUrl,
      displayName: account.displayName,
      ...(account.owner === undefined ? {} : { owner: account.owner }),
      noticeGivenAt: new Date('2026-09-01T00:00:00Z'),
      legalBasis: 'DEMO DATA: legitimate interest (invented)',
      schedule: '30m',
    });
    ids.push(created.id);
  }
  return ids;
}
