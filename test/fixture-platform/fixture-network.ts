import { seededRandom } from '../support/seeded-random.js';

/**
 * Generated accounts and posts that the fixture platform server renders in every platform's own
 * format. The same network serves every platform, so one contract suite can compare what each
 * adapter collected with what was published.
 */

/** An image of a post, served by the fixture server at `/media/<id>.<ext>`. */
export interface FixtureImage {
  id: string;
  alt?: string;
  /** `huge` streams far more bytes than any cap; `fake` is HTML served as image/jpeg. */
  variant?: 'huge' | 'fake';
}

export interface FixturePost {
  /** Grows with time within an account: a newer post has a larger id. */
  id: number;
  text: string;
  publishedAt: Date;
  isRepost: boolean;
  /** For a repost: whose post it was. */
  originalAuthor?: string;
  images: FixtureImage[];
}

export interface FixtureAccount {
  handle: string;
  displayName: string;
  /** Newest first. */
  posts: FixturePost[];
}

export interface FixtureNetwork {
  accounts: Map<string, FixtureAccount>;
  /** Publishes `count` new posts on an account (newest first afterwards), one minute apart from its newest. */
  publish(handle: string, count: number): FixturePost[];
}

export interface FixtureNetworkOptions {
  accounts: number;
  postsPerAccount: number;
  /** Share of posts with one or two images; default 0.3. */
  imageShare?: number;
  /** Share of posts that are reposts; default 0.1. */
  repostShare?: number;
  seed?: number;
  /** Time of the newest post; default 2026-11-20T12:00:00Z. */
  newestAt?: Date;
  /** Handles to use instead of generated ones (`acme`, `bob`). */
  handles?: readonly string[];
}

// Texts in the five languages of the product, with the characters a charset bug would break
// (Cyrillic for windows-1251, Polish for ISO-8859-2, Greek for UTF-8 only).
const SENTENCES = [
  'Great day at the new office, the team shipped the release on time.',
  'Код проекта «Сапсан» обсуждаем на планёрке, документ помечен ДСП.',
  'Сьогодні презентували новий продукт, дякую команді за роботу!',
  'Zażółć gęślą jaźń — nowy oddział w Łodzi rusza w poniedziałek.',
  'Καλημέρα από την ομάδα μας, το νέο έργο ξεκινά σήμερα.',
  'Quarterly numbers look strong; more at the all-hands & the <demo> booth.',
  'Whiteboard from today\'s planning session — "Q3 roadmap" draft.',
  'Badge day! First week at the lab, everything is new.',
];

/** A deterministic network: the same options give the same accounts, posts and images. */
export function generateFixtureNetwork(options: FixtureNetworkOptions): FixtureNetwork {
  const random = seededRandom(options.seed ?? 7);
  const imageShare = options.imageShare ?? 0.3;
  const repostShare = options.repostShare ?? 0.1;
  const newestAt = options.newestAt ?? new Date('2026-11-20T12:00:00Z');
  const accounts = new Map<string, FixtureAccount>();
  let imageCounter = 0;

  const makePost = (handle: string, id: number, publishedAt: Date): FixturePost => {
    const first = SENTENCES[Math.floor(random() * SENTENCES.length)] ?? '';
    const second = SENTENCES[Math.floor(random() * SENTENCES.length)] ?? '';
    const isRepost = random() < repostShare;
    const imageCount = random() < imageShare ? 1 + Math.floor(random() * 2) : 0;
    const images = Array.from({ length: imageCount }, (_, index) => ({
      id: `img-${++imageCounter}`,
      ...(index === 0 ? { alt: `Photo ${imageCounter} by ${handle}` } : {}),
    }));
    return {
      id,
      text: `${first}\n${second} #${handle}-${id}`,
      publishedAt,
      isRepost,
      ...(isRepost ? { originalAuthor: 'somebody_else' } : {}),
      images,
    };
  };

  for (let index = 0; index < options.accounts; index += 1) {
    const handle = options.handles?.[index] ?? `account${String(index + 1).padStart(4, '0')}`;
    const posts: FixturePost[] = [];
    for (let age = 0; age < options.postsPerAccount; age += 1) {
      // Ids leave gaps (deleted posts), and posts are an hour apart, newest first.
      const id = 1_000 + (options.postsPerAccount - age) * 3;
      posts.push(makePost(handle, id, new Date(newestAt.getTime() - age * 3_600_000 - index * 1_000)));
    }
    accounts.set(handle, { handle, displayName: `Fixture ${handle}`, posts });
  }

  return {
    accounts,
    publish(handle, count) {
      const account = accounts.get(handle);
      if (account === undefined) throw new Error(`fixture network has no account ${handle}`);
      const added: FixturePost[] = [];
      for (let step = 0; step < count; step += 1) {
        const newest = account.posts[0];
        const id = (newest?.id ?? 1_000) + 3;
        const at = new Date((newest?.publishedAt.getTime() ?? newestAt.getTime()) + 60_000);
        const post = makePost(handle, id, at);
        account.posts.unshift(post);
        added.push(post);
      }
      return added;
    },
  };
}
