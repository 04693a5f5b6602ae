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
  /**
   * `huge` streams far more bytes than any cap; `fake` is HTML served as image/jpeg; `text` is a
   * screenshot-like JPEG of `lines`.
   */
  variant?: 'huge' | 'fake' | 'text';
  /** For `text`: the lines drawn, the last one naming the image (so no two are the same bytes). */
  lines?: readonly string[];
  /** For `text`: true when a line is a confidentiality marking the bundled rules catch. */
  isMarked?: boolean;
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
  /** The leak sentence in the text (see `leakShare`), when the post carries one. */
  leak?: string;
}

export interface FixtureAccount {
  handle: string;
  displayName: string;
  /** The account's picture; platforms that show one use `/media/avatar-<handle>.jpg` when unset. */
  avatarUrl?: string;
  /** Newest first. */
  posts: FixturePost[];
}

export interface FixtureNetwork {
  accounts: Map<string, FixtureAccount>;
  /** Publishes `count` new posts on an account (newest first afterwards), one minute apart from its newest. */
  publish(handle: string, count: number): FixturePost[];
  /** The image with this id, published or generated. */
  image(id: string): FixtureImage | undefined;
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
  /**
   * Share of posts whose second sentence is replaced by a leak that the bundled rule packs catch
   * under examples/overshare.policy.yaml (a marking, a code name, an internal host); default 0.
   */
  leakShare?: number;
  /** Share of images that are `text` pictures, a fifth of them carrying a marking; default 0. */
  textImageShare?: number;
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

// Leaks for `leakShare`, each caught by the bundled packs under examples/overshare.policy.yaml.
const LEAK_SENTENCES = [
  'Sneak peek of the STRICTLY CONFIDENTIAL board deck, do not share!',
  'The Nightjar prototype passed its first flight test today.',
  'Tundra-7 telemetry dashboards are live for the range team.',
  'New login page at https://jira.corp.halvard-aero.example/secure',
  'Прототип Nightjar прошёл первые испытания на стенде.',
  'Dokument ŚCIŚLE POUFNE z zarządu, proszę nie udostępniać.',
];

// Lines of `text` images: clean ones in the five languages, and marked ones.
const CLEAN_IMAGE_LINES = [
  ['Team lunch on Friday', 'Soup of the day: tomato'],
  ['Sprint 12 retro', 'What went well: the demo'],
  ['Plan na wtorek', 'Spotkanie zespołu o 10:00'],
  ['Меню на неделю', 'Суп дня: борщ'],
  ['Розклад на тиждень', 'Зустріч команди у вівторок'],
  ['Πρόγραμμα εκδρομής', 'Αναχώρηση στις 9:00'],
];
const MARKED_IMAGE_LINES = [
  ['CONFIDENTIAL', 'Supplier review, draft 3'],
  ['STRICTLY CONFIDENTIAL', 'Board deck, page 4'],
  ['КОНФИДЕНЦИАЛЬНО', 'Отчёт поставщика, черновик'],
];
const MARKED_TEXT_IMAGE_SHARE = 0.2;

/** A deterministic network: the same options give the same accounts, posts and images. */
export function generateFixtureNetwork(options: FixtureNetworkOptions): FixtureNetwork {
  const random = seededRandom(options.seed ?? 7);
  // Leaks and text images draw from a stream of their own: with both shares at 0 (the default)
  // nothing is drawn, and with them on every other choice stays what it was.
  const extras = seededRandom((options.seed ?? 7) + 1_000_003);
  const leakShare = options.leakShare ?? 0;
  const textImageShare = options.textImageShare ?? 0;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(extras() * list.length)] as T;
  const imageShare = options.imageShare ?? 0.3;
  const repostShare = options.repostShare ?? 0.1;
  const newestAt = options.newestAt ?? new Date('2026-11-20T12:00:00Z');
  const accounts = new Map<string, FixtureAccount>();
  const images = new Map<string, FixtureImage>();
  let imageCounter = 0;

  const makeImage = (handle: string, index: number): FixtureImage => {
    const id = `img-${++imageCounter}`;
    let image: FixtureImage = { id, ...(index === 0 ? { alt: `Photo ${imageCounter} by ${handle}` } : {}) };
    if (textImageShare > 0 && extras() < textImageShare) {
      const isMarked = extras() < MARKED_TEXT_IMAGE_SHARE;
      image = { ...image, variant: 'text', lines: [...pick(isMarked ? MARKED_IMAGE_LINES : CLEAN_IMAGE_LINES), `Ref. ${id}`], isMarked };
    }
    images.set(id, image);
    return image;
  };

  const makePost = (handle: string, id: number, publishedAt: Date): FixturePost => {
    const first = SENTENCES[Math.floor(random() * SENTENCES.length)] ?? '';
    const second = SENTENCES[Math.floor(random() * SENTENCES.length)] ?? '';
    const isRepost = random() < repostShare;
    const imageCount = random() < imageShare ? 1 + Math.floor(random() * 2) : 0;
    const postImages = Array.from({ length: imageCount }, (_, index) => makeImage(handle, index));
    const leak = leakShare > 0 && extras() < leakShare ? pick(LEAK_SENTENCES) : undefined;
    return {
      id,
      text: `${first}\n${leak ?? second} #${handle}-${id}`,
      publishedAt,
      isRepost,
      ...(isRepost ? { originalAuthor: 'somebody_else' } : {}),
      images: postImages,
      ...(leak === undefined ? {} : { leak }),
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
    image: (id) => images.get(id),
  };
}
