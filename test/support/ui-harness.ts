import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { loadConfig } from '../../core/config.js';
import { createCrawler } from '../../crawler/create-crawler.js';
import { DEMO_ACCOUNTS, type DemoAccountContent } from '../../demo/demo-content.js';
import { DEMO_POLICY_PATH, startDemoPlatform, type DemoPlatform } from '../../demo/start-demo-platform.js';
import { createOcrEngine } from '../../ocr/ocr-engine.js';
import { createPipeline } from '../../pipeline/create-pipeline.js';
import { loadRuleSet } from '../../cli/load-rule-set.js';
import { hashPassword } from '../../server/auth/password-hash.js';
import { migrateToLatest } from '../../store/migrate-to-latest.js';
import { openDatabase, type Database } from '../../store/open-database.js';
import { AccountsRepository } from '../../store/repositories/accounts-repository.js';
import { UsersRepository } from '../../store/repositories/users-repository.js';
import type { Role, Schema } from '../../store/schema.js';
import { capturingLogger } from './capturing-logger.js';
import { createTestDatabase, type TestDatabase } from './postgres.js';
import { assertCliBuilt, startServe, type ServeProcess } from './run-cli.js';

/** Debian's Chromium, which the crawler drives too (never a downloaded browser). */
export const CHROMIUM_PATH = process.env.CHROME_PATH ?? '/usr/bin/chromium';

const BROWSER_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

/** A user the harness made, with the password to sign in. */
export interface UiUser {
  id: string;
  username: string;
  password: string;
  role: Role;
}

export interface UiHarness {
  /** The built `overshare serve`'s address. */
  url: string;
  serve: ServeProcess;
  browser: Browser;
  /** The same PostgreSQL database the server uses (tests read the audit log and findings from it). */
  db: Kysely<Schema>;
  platform: DemoPlatform;
  users: Record<'admin' | 'reviewer' | 'auditor' | 'siem', UiUser>;
  /** A new page in a fresh browser context (1280×800 unless told) whose uncaught errors and dialogs are collected. */
  newPage(viewport?: { width: number; height: number }): Promise<UiPage>;
  close(): Promise<void>;
}

/** A browser page and what went wrong in it: uncaught exceptions and alert/confirm/prompt dialogs. */
export interface UiPage {
  page: Page;
  pageErrors: string[];
  dialogs: string[];
}

export interface UiHarnessOptions {
  /** Accounts of the platform, scanned before the server starts (default: the bundled demo's). */
  accounts?: readonly DemoAccountContent[];
  /** Pictures the accounts' posts attach that are not in demo/media/. */
  media?: ReadonlyMap<string, Buffer>;
}

/**
 * A seeded installation: the demo platform (or given accounts) scanned by the real pipeline into a
 * fresh PostgreSQL database, a user of each role, the built `overshare serve` on
 * that database (API and review UI), and Debian's Chromium to drive it.
 */
export async function startUiHarness(options: UiHarnessOptions = {}): Promise<UiHarness> {
  assertCliBuilt();
  const { log } = capturingLogger('warn');
  const cleanups: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const testDatabase: TestDatabase = await createTestDatabase();
    cleanups.push(() => testDatabase.drop());
    const database: Database = await openDatabase({ url: testDatabase.url, dataDir: 'memory', poolMax: 4, connectTimeoutMs: 5_000, statementTimeoutMs: 0 }, log);
    cleanups.push(() => database.close());
    await migrateToLatest(database.db, log);

    const platform = await startDemoPlatform({ accounts: options.accounts ?? DEMO_ACCOUNTS, ...(options.media ? { media: options.media } : {}) });
    cleanups.push(() => platform.close());
    await scanEverything(database, platform, log);

    const users = {
      admin: await createUiUser(database.db, 'admin', 'ui-admin'),
      reviewer: await createUiUser(database.db, 'reviewer', 'ui-reviewer'),
      auditor: await createUiUser(database.db, 'auditor', 'ui-auditor'),
      siem: await createUiUser(database.db, 'siem', 'ui-siem'),
    };

    const folder = await mkdtemp(path.join(tmpdir(), 'overshare-ui-'));
    cleanups.push(() => rm(folder, { recursive: true, force: true }));
    const serve = await startServe({
      env: { DATABASE_URL: testDatabase.url, OVERSHARE_DATA_DIR: path.join(folder, 'data'), LOG_LEVEL: 'warn', CRAWL_ALLOWED_PRIVATE_HOSTS: '127.0.0.1' },
    });
    cleanups.push(() => serve.stop('SIGTERM'));

    const browser = await puppeteer.launch({ executablePath: CHROMIUM_PATH, headless: true, args: BROWSER_ARGS });
    cleanups.push(() => browser.close());

    return {
      url: serve.url,
      serve,
      browser,
      db: database.db,
      platform,
      users,
      async newPage(viewport = { width: 1280, height: 800 }) {
        // A context of its own: no cookie or storage of an earlier page carries over.
        const context = await browser.createBrowserContext();
        const page = await context.newPage();
        page.once('close', () => void context.close().catch(() => undefined));
        await page.setViewport(viewport);
        page.setDefaultTimeout(20_000);
        const pageErrors: string[] = [];
        const dialogs: string[] = [];
        page.on('pageerror', (error) => pageErrors.push(error instanceof Error ? error.message : String(error)));
        page.on('dialog', (dialog) => {
          dialogs.push(`${dialog.type()}: ${dialog.message()}`);
          void dialog.dismiss();
        });
        return { page, pageErrors, dialogs };
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Registers every platform account (with its owner) and runs one scan of them all to completion. */
async function scanEverything(database: Database, platform: DemoPlatform, log: ReturnType<typeof capturingLogger>['log']): Promise<void> {
  const config = loadConfig({ CRAWL_ALLOWED_PRIVATE_HOSTS: '127.0.0.1', CRAWL_REQUESTS_PER_SECOND: '200', PIPELINE_BACKOFF_BASE_MS: '10' }, process.cwd());
  const accounts = new AccountsRepository(database.db);
  const ids: string[] = [];
  for (const account of platform.accounts) {
    const created = await accounts.create({
      platform: 'mastodon',
      handle: account.handle,
      kind: account.kind,
      url: account.baseUrl,
      displayName: account.displayName,
      ...(account.owner ? { owner: { employeeId: account.owner.employeeId, name: account.owner.name, email: account.owner.email, department: account.owner.department } } : {}),
    });
    ids.push(created.id);
  }
  const rules = await loadRuleSet(DEMO_POLICY_PATH);
  const crawler = createCrawler(config.crawl, log);
  const ocr = createOcrEngine({ workers: 1 });
  const pipeline = createPipeline({ db: database.db, settings: config.pipeline, retention: rules.policy.policy.retention, log });
  try {
    await pipeline.work({ crawler, ocr: () => ocr, ruleSet: rules.ruleSet });
    const started = await pipeline.coordinator.startScan('manual', ids);
    const run = await pipeline.coordinator.waitForScan(started.id, { pollMs: 50 });
    if (run.status !== 'completed') throw new Error(`the seeding scan ended ${run.status}: ${JSON.stringify(run.counts)}`);
  } finally {
    await pipeline.close();
    await crawler.close();
    await (await ocr).close();
  }
}

async function createUiUser(db: Kysely<Schema>, role: Role, username: string): Promise<UiUser> {
  const password = `${username}-password-${Math.random().toString(36).slice(2)}`;
  const user = await new UsersRepository(db).create({ username, role, passwordHash: await hashPassword(password) });
  return { id: user.id, username, password, role };
}

/** Signs in through the sign-in form and waits for the app's navigation. */
export async function signIn(page: Page, url: string, user: UiUser, path = '/findings'): Promise<void> {
  await page.goto(`${url}${path}`);
  await page.locator('input#username').fill(user.username);
  await page.locator('input#password').fill(user.password);
  await page.locator('form button[type=submit]').click();
  await page.waitForSelector('nav[aria-label] a');
}
