import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { ConfigError, TransientError } from '../core/errors.js';
import { capturingLogger } from '../test/support/capturing-logger.js';
import { createTestDatabase } from '../test/support/postgres.js';
import { migrateToLatest } from './migrate-to-latest.js';
import { MIGRATIONS } from './migrations/index.js';
import { openDatabase } from './open-database.js';
import { AccountsRepository } from './repositories/accounts-repository.js';

const OPTIONS = { poolMax: 4, connectTimeoutMs: 3_000, statementTimeoutMs: 10_000 };

describe('embedded database (PGlite in a data folder)', () => {
  const { log } = capturingLogger();
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'overshare-data-'));
  });
  afterEach(async () => rm(dataDir, { recursive: true, force: true }));

  it('keeps its data across a close and a reopen', async () => {
    const first = await openDatabase({ ...OPTIONS, dataDir }, log);
    await migrateToLatest(first.db, log);
    await new AccountsRepository(first.db).create({ platform: 'bluesky', handle: 'kept.example', kind: 'employee' });
    await first.close();

    const second = await openDatabase({ ...OPTIONS, dataDir }, log);
    try {
      expect(await new AccountsRepository(second.db).findByHandle('bluesky', 'kept.example')).toMatchObject({
        kind: 'employee',
      });
    } finally {
      await second.close();
    }
  });

  it('refuses a second opener of the same folder while the first holds it, then lets it in', async () => {
    const holder = await openDatabase({ ...OPTIONS, dataDir }, log);
    try {
      const second = openDatabase({ ...OPTIONS, dataDir }, log);
      await expect(second).rejects.toThrow(ConfigError);
      await expect(openDatabase({ ...OPTIONS, dataDir }, log)).rejects.toThrow(/is in use by another overshare process/u);
    } finally {
      await holder.close();
    }
    const after = await openDatabase({ ...OPTIONS, dataDir }, log);
    await after.close();
  });

  it('serialises transactions on its single session: concurrent writers all commit', async () => {
    const database = await openDatabase({ ...OPTIONS, dataDir: 'memory' }, log);
    try {
      await migrateToLatest(database.db, log);
      const accounts = new AccountsRepository(database.db);
      await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          database.db.transaction().execute(async (trx) => {
            await new AccountsRepository(trx).create({ platform: 'vk', handle: `user${index}`, kind: 'employee' });
          }),
        ),
      );
      expect(await accounts.list()).toHaveLength(20);
    } finally {
      await database.close();
    }
  });

  it('fails instead of hanging when a query waits on the session held by a transaction', async () => {
    const database = await openDatabase({ ...OPTIONS, connectTimeoutMs: 300, dataDir: 'memory' }, log);
    try {
      await migrateToLatest(database.db, log);
      const misuse = database.db.transaction().execute(async () => {
        // Using the pool instead of `trx` inside a transaction needs a second session PGlite lacks.
        await new AccountsRepository(database.db).list();
      });
      await expect(misuse).rejects.toThrow(TransientError);
    } finally {
      await database.close();
    }
  });
});

describe.skipIf(!inject('isPostgresAvailable'))('PostgreSQL by URL', () => {
  const { log } = capturingLogger();

  it('says the server refused the connection, with the password hidden', async () => {
    const attempt = openDatabase({ ...OPTIONS, url: 'postgres://someone:hunter2@127.0.0.1:1/nothing', dataDir: 'unused' }, log);
    await expect(attempt).rejects.toThrow(TransientError);
    const error = (await openDatabase(
      { ...OPTIONS, url: 'postgres://someone:hunter2@127.0.0.1:1/nothing', dataDir: 'unused' },
      log,
    ).then(
      () => new Error('opened a database that does not exist'),
      (caught: unknown) => caught,
    )) as Error;
    expect(error.message).toContain('connection refused');
    expect(error.message).toContain('postgres://someone:***@127.0.0.1:1/nothing');
    expect(error.message).not.toContain('hunter2');
  });

  it('says which database is missing', async () => {
    const testDatabase = await createTestDatabase();
    await testDatabase.drop();
    await expect(openDatabase({ ...OPTIONS, url: testDatabase.url, dataDir: 'unused' }, log)).rejects.toThrow(
      new RegExp(`database "${testDatabase.name}" does not exist`, 'u'),
    );
  });

  it('applies each migration exactly once when several processes migrate at the same time', async () => {
    const testDatabase = await createTestDatabase();
    const replicas = await Promise.all(
      [1, 2, 3].map(() => openDatabase({ ...OPTIONS, url: testDatabase.url, dataDir: 'unused' }, log)),
    );
    try {
      const reports = await Promise.all(replicas.map((replica) => migrateToLatest(replica.db, log)));
      const applied = reports.flatMap((report) => report.applied);
      expect(applied.sort()).toEqual(Object.keys(MIGRATIONS).sort());
    } finally {
      await Promise.all(replicas.map((replica) => replica.close()));
      await testDatabase.drop();
    }
  });
});
