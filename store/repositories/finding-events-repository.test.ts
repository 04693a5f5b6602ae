import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturingLogger } from '../../test/support/capturing-logger.js';
import { storeTargets } from '../../test/support/store-targets.js';
import { migrateToLatest } from '../migrate-to-latest.js';
import type { Database } from '../open-database.js';
import type { Finding, FindingEvent } from '../schema.js';
import { AccountsRepository } from './accounts-repository.js';
import { FindingEventsRepository } from './finding-events-repository.js';
import { FindingsRepository } from './findings-repository.js';
import { PostsRepository } from './posts-repository.js';

for (const target of storeTargets()) {
  describe.skipIf(!target.isAvailable)(`event outbox on ${target.name}`, () => {
    const { log } = capturingLogger();
    let database: Database;
    let dispose: () => Promise<void>;
    let finding: Finding;

    beforeAll(async () => {
      ({ database, dispose } = await target.open(log));
      await migrateToLatest(database.db, log);
      const account = await new AccountsRepository(database.db).create({ platform: 'mastodon', handle: 'o', kind: 'employee' });
      const { post } = await new PostsRepository(database.db).upsert({
        accountId: account.id,
        platform: 'mastodon',
        externalId: 'o-1',
        url: 'https://social.example/@o/1',
        text: 'x',
      });
      ({ finding } = await new FindingsRepository(database.db).record({
        postId: post.id,
        accountId: account.id,
        ruleIds: ['marking-confidential'],
        category: 'marking',
        severity: 'high',
        score: 80,
        scoreBreakdown: { base: 80 },
        evidence: { source: 'text', text: 'CONFIDENTIAL' },
      }));
    });
    afterAll(async () => dispose());

    // The classic outbox hole: transaction A takes seq n, B takes n+1 and commits first; a reader
    // that saw n+1 moves its cursor past n and never sees A's event. Here A holds its transaction
    // open after appending, B starts later and commits as soon as it can, and a reader polls by
    // cursor the whole time. Every event must reach the reader, in seq order.
    it('never lets a cursor reader skip an event committed late', async () => {
      const events = new FindingEventsRepository(database.db);
      const seen: FindingEvent[] = [];
      let cursor = (await events.listAfter(0, 1_000)).at(-1)?.seq ?? 0;
      const writing = { isActive: true };
      const reader = (async () => {
        while (writing.isActive || (await events.listAfter(cursor, 1)).length > 0) {
          const page = await events.listAfter(cursor, 100);
          seen.push(...page);
          cursor = page.at(-1)?.seq ?? cursor;
          await sleep(5);
        }
      })();

      const writers = Array.from({ length: 12 }, (_, index) =>
        (async () => {
          // Staggered starts, and the early writers hold their transactions longest.
          await sleep(index * 15);
          await database.db.transaction().execute(async (trx) => {
            await FindingEventsRepository.append(trx, { ...finding, version: 100 + index }, 'finding.updated');
            await sleep((12 - index) * 20);
          });
        })(),
      );
      await Promise.all(writers);
      writing.isActive = false;
      await reader;

      const versions = seen.map((event) => event.finding_version).sort((a, b) => a - b);
      expect(versions).toEqual(Array.from({ length: 12 }, (_, index) => 100 + index));
      const seqs = seen.map((event) => event.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    });
  });
}
