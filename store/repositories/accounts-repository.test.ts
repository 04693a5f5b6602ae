import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputValidationError, NotFoundError } from '../../core/errors.js';
import { capturingLogger } from '../../test/support/capturing-logger.js';
import { storeTargets } from '../../test/support/store-targets.js';
import { migrateToLatest } from '../migrate-to-latest.js';
import type { Database } from '../open-database.js';
import { AccountNotFoundError, AccountsRepository } from './accounts-repository.js';
import { FindingsRepository } from './findings-repository.js';
import { MediaRepository } from './media-repository.js';
import { PostsRepository } from './posts-repository.js';

// The registry as the CLI and the scheduler use it, on every engine.
for (const target of storeTargets()) {
  describe.skipIf(!target.isAvailable)(`accounts registry on ${target.name}`, () => {
    const { log } = capturingLogger();
    let database: Database;
    let dispose: () => Promise<void>;
    let accounts: AccountsRepository;

    beforeAll(async () => {
      ({ database, dispose } = await target.open(log));
      await migrateToLatest(database.db, log);
      accounts = new AccountsRepository(database.db);
    });
    afterAll(async () => dispose());

    it('registers an account with its owner, notice, legal basis and schedule, due for a scan at once', async () => {
      const before = new Date(Date.now() - 1_000);
      const created = await accounts.create({
        platform: 'mastodon',
        handle: 'j.doe@social.example',
        kind: 'employee',
        owner: { employeeId: 'E-1042', name: 'Jane Doe', email: 'jane.doe@halvard-aero.example', department: 'Avionics' },
        noticeGivenAt: new Date('2026-01-15T00:00:00Z'),
        legalBasis: 'legitimate interest (policy IS-7)',
        legalBasisAt: new Date('2026-01-10T00:00:00Z'),
        schedule: '6h',
      });
      expect(created).toMatchObject({
        owner_employee_id: 'E-1042',
        owner_department: 'Avionics',
        legal_basis: 'legitimate interest (policy IS-7)',
        schedule: '6h',
        is_active: true,
      });
      expect(created.legal_basis_at).toEqual(new Date('2026-01-10T00:00:00Z'));
      expect(created.notice_given_at).toEqual(new Date('2026-01-15T00:00:00Z'));
      expect(created.next_scan_at!.getTime()).toBeGreaterThanOrEqual(before.getTime());
    });

    it('registers an inactive account with no scan due', async () => {
      const created = await accounts.create({ platform: 'rss', handle: 'https://blog.example/feed', kind: 'corporate', isActive: false });
      expect([created.is_active, created.next_scan_at]).toEqual([false, null]);
    });

    describe('resolve', () => {
      it('finds an account by its id, the first 8 characters of its id, and platform:handle', async () => {
        const created = await accounts.create({ platform: 'telegram', handle: 'halvard_news', kind: 'corporate' });
        expect((await accounts.resolve(created.id)).id).toBe(created.id);
        expect((await accounts.resolve(created.id.toUpperCase())).id).toBe(created.id);
        expect((await accounts.resolve(created.id.slice(0, 8))).id).toBe(created.id);
        expect((await accounts.resolve('telegram:halvard_news')).id).toBe(created.id);
      });

      it('finds a handle that itself contains colons', async () => {
        const created = await accounts.create({ platform: 'wordpress', handle: 'https://news.halvard.example', kind: 'corporate' });
        expect((await accounts.resolve('wordpress:https://news.halvard.example')).id).toBe(created.id);
      });

      it('reports an unknown reference as not found, saying which forms a reference takes', async () => {
        for (const reference of ['00000000-0000-4000-8000-000000000000', 'ffffffff', 'telegram:nobody', 'nobody']) {
          const error = await accounts.resolve(reference).catch((caught: unknown) => caught);
          expect(error, reference).toBeInstanceOf(AccountNotFoundError);
          expect(error, reference).toBeInstanceOf(NotFoundError);
          expect((error as Error).message).toContain(`No account matches ${JSON.stringify(reference)}: give its id`);
          expect((error as Error).message).toContain('platform:handle');
        }
      });

      it('refuses an id prefix that matches more than one account, and tells them apart by a longer one', async () => {
        const ids = ['abcdef12-0000-4000-8000-000000000001', 'abcdef12-0000-4000-8000-000000000002'];
        for (const [index, id] of ids.entries()) {
          const created = await accounts.create({ platform: 'vk', handle: `twin${index}`, kind: 'corporate' });
          // Random ids almost never share 8 characters: give these two ids that do.
          await database.db.updateTable('accounts').set({ id }).where('id', '=', created.id).execute();
        }
        const error = await accounts.resolve('abcdef12').catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(InputValidationError);
        expect((error as Error).message).toContain('more than one account id starts with abcdef12: give more of the id');
        expect((await accounts.resolve('abcdef12-0000-4000-8000-000000000002')).handle).toBe('twin1');
      });
    });

    it('lists accounts narrowed by active flag, platform, status and kind', async () => {
      const ok = await accounts.create({ platform: 'bluesky', handle: 'ok.example', kind: 'employee', owner: { name: 'A' } });
      await accounts.create({ platform: 'bluesky', handle: 'pending.example', kind: 'corporate' });
      const blocked = await accounts.create({ platform: 'bluesky', handle: 'blocked.example', kind: 'employee', owner: { name: 'B' } });
      await accounts.recordStatus(ok.id, 'ok');
      await accounts.recordStatus(blocked.id, 'blocked', 'login wall');
      const handles = async (filter: Parameters<AccountsRepository['list']>[0]) => (await accounts.list(filter)).map((account) => account.handle);
      expect(await handles({ platform: 'bluesky' })).toEqual(['blocked.example', 'ok.example', 'pending.example']);
      expect(await handles({ platform: 'bluesky', status: 'blocked' })).toEqual(['blocked.example']);
      expect(await handles({ platform: 'bluesky', kind: 'corporate' })).toEqual(['pending.example']);
      await accounts.disable(ok.id);
      expect(await handles({ platform: 'bluesky', isActive: true })).toEqual(['blocked.example', 'pending.example']);
      expect(await handles({ platform: 'bluesky', isActive: false })).toEqual(['ok.example']);
    });

    it('finds an owner whose employee id PostgreSQL and JavaScript lower-case differently, by owner and by search', async () => {
      await accounts.create({ platform: 'bluesky', handle: 'nikos.example', kind: 'employee', owner: { name: 'ΝΊΚΟΣ', employeeId: 'ΑΣ-9', email: 'İrem@corp.example' } });
      const handles = async (filter: Parameters<AccountsRepository['page']>[0]) => (await accounts.page(filter, 50)).map((account) => account.handle);
      expect(await handles({ owner: 'ΑΣ-9' })).toEqual(['nikos.example']);
      expect(await handles({ owner: 'İREM@corp.example' })).toEqual(['nikos.example']);
      expect(await handles({ q: 'ΝΊΚΟΣ' })).toEqual(['nikos.example']);
    });

    it('disables an account so that no scan is due, and enables it due at once', async () => {
      const created = await accounts.create({ platform: 'youtube', handle: '@halvard', kind: 'corporate' });
      const disabled = await accounts.disable(created.id);
      expect([disabled.is_active, disabled.next_scan_at]).toEqual([false, null]);
      const enabled = await accounts.enable(created.id);
      expect(enabled.is_active).toBe(true);
      expect(enabled.next_scan_at).toBeInstanceOf(Date);
      await expect(accounts.disable('00000000-0000-4000-8000-000000000000')).rejects.toThrow(NotFoundError);
    });

    it('counts what removing an account deletes, then deletes the account with its posts, media and findings', async () => {
      const account = await accounts.create({ platform: 'threads', handle: 'leaky', kind: 'employee', owner: { name: 'C' } });
      const other = await accounts.create({ platform: 'threads', handle: 'bystander', kind: 'employee', owner: { name: 'D' } });
      const posts = new PostsRepository(database.db);
      const findings = new FindingsRepository(database.db);
      for (const owner of [account, other]) {
        for (const externalId of ['1', '2']) {
          const { post } = await posts.upsert({ accountId: owner.id, platform: 'threads', externalId: `${owner.handle}-${externalId}`, url: `https://threads.example/${owner.handle}/${externalId}`, text: 'desk photo' });
          await new MediaRepository(database.db).record({ postId: post.id, position: 0, sourceUrl: `https://cdn.example/${post.id}.jpg`, status: 'skipped' });
          if (externalId === '1') {
            await findings.record({ postId: post.id, accountId: owner.id, ruleIds: ['marking-confidential'], category: 'marking', severity: 'high', score: 80, scoreBreakdown: {}, evidence: { source: 'text', text: 'CONFIDENTIAL' } });
          }
        }
      }
      expect(await accounts.dependents(account.id)).toEqual({ posts: 2, media: 2, findings: 1 });
      const [finding] = await database.db.selectFrom('findings').selectAll().where('account_id', '=', account.id).execute();
      await accounts.remove(account.id);
      // The SIEM learns of every finding that goes with the account, as of a retention purge.
      const purged = await database.db.selectFrom('finding_events').selectAll().where('finding_id', '=', finding!.id).where('type', '=', 'finding.purged').execute();
      expect(purged.map((event) => [event.finding_version, event.payload.purgeReason])).toEqual([[finding!.version + 1, 'account_removed']]);
      await expect(accounts.getById(account.id)).rejects.toThrow(NotFoundError);
      expect(await accounts.dependents(account.id)).toEqual({ posts: 0, media: 0, findings: 0 });
      expect(await accounts.dependents(other.id)).toEqual({ posts: 2, media: 2, findings: 1 });
      await expect(accounts.remove(account.id)).rejects.toThrow(NotFoundError);
    });
  });
}
