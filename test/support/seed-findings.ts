import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { AccountsRepository, type AccountInput } from '../../store/repositories/accounts-repository.js';
import { FindingsRepository, type FindingInput } from '../../store/repositories/findings-repository.js';
import { PostsRepository } from '../../store/repositories/posts-repository.js';
import type { Account, Finding, Post, Schema } from '../../store/schema.js';

/** Registers an account through the real repository; every field can be overridden. */
export async function seedAccount(db: Kysely<Schema>, overrides: Partial<AccountInput> = {}): Promise<Account> {
  const suffix = randomBytes(4).toString('hex');
  return new AccountsRepository(db).create({
    platform: 'mastodon',
    handle: `@person${suffix}@social.example`,
    kind: 'employee',
    owner: { employeeId: `E-${suffix}`, name: `Person ${suffix}`, email: `person.${suffix}@corp.example`, department: 'R&D' },
    legalBasis: 'legitimate interest',
    ...overrides,
  });
}

/** Stores a post of `account` with `text` through the real repository. */
export async function seedPost(db: Kysely<Schema>, account: Account, text: string): Promise<Post> {
  const id = randomBytes(6).toString('hex');
  const { post } = await new PostsRepository(db).upsert({
    accountId: account.id,
    platform: account.platform,
    externalId: `social.example/${id}`,
    url: `https://social.example/@x/${id}`,
    publishedAt: new Date('2026-11-01T10:00:00Z'),
    text,
  });
  return post;
}

/** What seedFinding takes: FindingInput fields, and optionally the account and post text. */
export interface SeedFindingOptions extends Partial<Omit<FindingInput, 'postId' | 'accountId'>> {
  account?: Account;
  postText?: string;
}

/**
 * Records a finding (with its `finding.created` outbox event) through the real repository, making
 * the account and post it needs. Default: a high marking finding on "STRICTLY CONFIDENTIAL".
 */
export async function seedFinding(db: Kysely<Schema>, options: SeedFindingOptions = {}): Promise<Finding> {
  const account = options.account ?? (await seedAccount(db));
  const evidenceText = options.evidence?.text ?? 'STRICTLY CONFIDENTIAL';
  const post = await seedPost(db, account, options.postText ?? `Look at this memo: ${evidenceText} — do not share`);
  const { finding } = await new FindingsRepository(db).record({
    postId: post.id,
    accountId: account.id,
    ruleIds: options.ruleIds ?? ['marking-confidential'],
    category: options.category ?? 'marking',
    severity: options.severity ?? 'high',
    score: options.score ?? 80,
    scoreBreakdown: options.scoreBreakdown ?? { base: 70, context: 10 },
    evidence: options.evidence ?? { source: 'text', text: evidenceText, start: 19, end: 19 + evidenceText.length },
    title: options.title ?? 'Confidentiality marking',
    explain: options.explain ?? 'A confidentiality marking in the post text.',
  });
  return finding;
}
