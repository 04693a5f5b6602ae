/**
 * DEMO DATA: the accounts and posts of the bundled demo platform (see start-demo-platform.ts).
 * Demo Orbital Ltd, its staff, their badge numbers, hosts, keys and documents are all invented;
 * every domain ends in .invalid, which never resolves (RFC 6761), and the AWS-looking key is not
 * one AWS ever issued. Most posts are everyday chatter; the ones with `leak` set are what the demo
 * policy (demo/demo.policy.yaml) and the bundled rule packs are meant to catch, and several
 * harmless ones sit right next to a rule on purpose (a skylark the bird, a chipboard wardrobe, a
 * documented example key, the allowlisted press address) to show where matching stops.
 */

/** The person behind an employee account, as the security team registers it. */
export interface DemoOwner {
  readonly employeeId: string;
  readonly name: string;
  readonly email: string;
  readonly department: string;
}

/** A picture attached to a demo post: a file of demo/media, its size in pixels and its alt text. */
export interface DemoImage {
  readonly file: string;
  readonly width: number;
  readonly height: number;
  readonly alt?: string;
}

/** Where the rules should find a leak in a post: its text, an image's OCR text or an image's EXIF. */
export type DemoLeakSource = 'text' | 'ocr' | 'exif';

/** What a leak post is expected to yield: at least one finding of these rules at or above the review threshold. */
export interface DemoLeak {
  readonly source: DemoLeakSource;
  /** Rule ids, any one of which reaching the threshold in `source` makes the expected finding. */
  readonly rules: readonly string[];
  /** What the post gives away, for people reading the demo. */
  readonly why: string;
}

/** One status of a demo account. */
export interface DemoPost {
  /** The status id the server gives it: a Mastodon snowflake of `publishedAt`, stable across runs. */
  readonly id: string;
  /** ISO 8601, UTC. */
  readonly publishedAt: string;
  readonly language: 'en' | 'ru' | 'uk' | 'pl' | 'el';
  /** Plain text; line breaks are kept. Empty for a boost. */
  readonly text: string;
  readonly images: readonly DemoImage[];
  /** A boost of another demo post (`username/id`): the feed shows that post's text and images. */
  readonly boostOf?: { readonly username: string; readonly id: string };
  /** Set on the posts the demo policy is meant to flag. */
  readonly leak?: DemoLeak;
}

/** One demo account on the demo platform. */
export interface DemoAccountContent {
  /** The Mastodon username on the demo platform (letters, digits and _). */
  readonly username: string;
  readonly kind: 'corporate' | 'employee';
  /** Always starts with `DEMO · `. */
  readonly displayName: string;
  /** The profile's note (plain text); always says the account is demo data. */
  readonly note: string;
  readonly owner?: DemoOwner;
  /** Newest first, as the platform lists them. */
  readonly posts: readonly DemoPost[];
}

/** The file names of the demo images in demo/media. */
export const DEMO_MEDIA = {
  whiteboard: { file: 'whiteboard-skylark.png', width: 1100, height: 620 },
  expoPoster: { file: 'expo-poster.png', width: 900, height: 560 },
  antennaSunset: { file: 'antenna-sunset.png', width: 960, height: 540 },
  launchSite: { file: 'launch-site.png', width: 960, height: 540 },
} as const satisfies Record<string, Omit<DemoImage, 'alt'>>;

/** The display-name prefix every demo account carries. */
export const DEMO_DISPLAY_NAME_PREFIX = 'DEMO · ';
const NOTE = 'Demo data: an invented account on the overshare demo platform. Not a real person or company.';

type PostDraft = Omit<DemoPost, 'id' | 'images' | 'publishedAt'> & { readonly at: string; readonly images?: readonly DemoImage[] };

/**
 * A Mastodon id: milliseconds since the epoch shifted 16 bits, plus a sequence (always 1 here: no
 * two demo posts share a millisecond, which the demo's test checks).
 */
const snowflake = (publishedAt: string): string => ((BigInt(Date.parse(publishedAt)) << 16n) + 1n).toString();

/** Posts newest first, each with its snowflake id; the drafts may be in any order. */
const posts = (drafts: readonly PostDraft[]): DemoPost[] =>
  drafts
    .map(({ at, images, ...draft }) => ({ ...draft, id: snowflake(at), publishedAt: new Date(at).toISOString(), images: images ?? [] }))
    .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));

// The corporate account's anniversary post, which an employee boosts.
const ANNIVERSARY_AT = '2026-10-06T09:00:00Z';

const orbital: DemoAccountContent = {
  username: 'demo_orbital',
  kind: 'corporate',
  displayName: `${DEMO_DISPLAY_NAME_PREFIX}Demo Orbital Ltd`,
  note: `${NOTE} The official account of Demo Orbital Ltd, a made-up satellite company.`,
  posts: posts([
    { at: ANNIVERSARY_AT, language: 'en', text: 'Ten years of satellite operations today! Thank you to everyone who made it happen 🎉 #DemoOrbital' },
    {
      at: '2026-10-14T16:30:00Z',
      language: 'en',
      text: 'Evening at our ground station: fresh paint on the radome and a sky to match.',
      images: [{ ...DEMO_MEDIA.antennaSunset, alt: 'A dish antenna against an orange sunset sky' }],
    },
    { at: '2026-10-21T08:15:00Z', language: 'en', text: 'Media questions? Write to press@demo.invalid, we answer within a working day.' },
    {
      at: '2026-10-29T10:00:00Z',
      language: 'en',
      text: 'See you at the Orbital Futures Expo next week! Hall B, stand 12. Our engineers will be there all week.',
      images: [{ ...DEMO_MEDIA.expoPoster, alt: 'Poster: Demo Orbital at the Orbital Futures Expo, hall B, stand 12' }],
    },
    { at: '2026-11-05T12:00:00Z', language: 'en', text: 'Reminder: we never ask for your password by e-mail or phone. Stay safe online!' },
    { at: '2026-11-12T09:30:00Z', language: 'en', text: 'Our annual sustainability report is out: less paper, more solar panels. Read it on our website.' },
  ]),
};

const careers: DemoAccountContent = {
  username: 'orbital_careers',
  kind: 'corporate',
  displayName: `${DEMO_DISPLAY_NAME_PREFIX}Demo Orbital Careers`,
  note: `${NOTE} Jobs at Demo Orbital Ltd (invented).`,
  posts: posts([
    { at: '2026-10-08T07:45:00Z', language: 'pl', text: 'Szukamy inżyniera oprogramowania pokładowego do biura w Gdańsku. Aplikuj przez naszą stronę!' },
    {
      at: '2026-10-19T11:00:00Z',
      language: 'en',
      text: "We're hiring a flight dynamics engineer, Belfast or remote. Applications are treated as strictly confidential.",
    },
    { at: '2026-10-27T08:00:00Z', language: 'el', text: 'Ψάχνουμε μηχανικό δοκιμών για το εργαστήριό μας στην Αθήνα. Στείλτε μας το βιογραφικό σας!' },
    { at: '2026-11-03T10:20:00Z', language: 'en', text: 'Our 2027 internship programme opens in January. Students of physics and computing welcome!' },
    { at: '2026-11-10T13:00:00Z', language: 'pl', text: 'Dzień otwarty w naszym biurze w Gdańsku: 5 grudnia. Kawa i pierniki gwarantowane ☕' },
    { at: '2026-11-16T09:00:00Z', language: 'uk', text: 'Шукаємо аналітика даних до київського офісу. Деталі на нашому сайті.' },
  ]),
};

const anna: DemoAccountContent = {
  username: 'anna_nowak',
  kind: 'employee',
  displayName: `${DEMO_DISPLAY_NAME_PREFIX}Anna Nowak`,
  note: `${NOTE} Inżynierka, Gdańsk.`,
  owner: { employeeId: 'DEMO-0001', name: 'Anna Nowak', email: 'anna.nowak@demo.invalid', department: 'Spacecraft Engineering' },
  posts: posts([
    { at: '2026-10-07T18:20:00Z', language: 'pl', text: 'Weekend w Tatrach, widoki obłędne 🏔️ Nogi bolą do dziś.' },
    { at: '2026-10-13T06:40:00Z', language: 'en', text: 'Spotted a skylark over the fields on my morning hike, what a song 🐦' },
    {
      at: '2026-10-20T15:05:00Z',
      language: 'pl',
      text: 'Nowa karta pracownicza odebrana 🎉 Numer DEMO-0001, a zdjęcie wyszło fatalnie.',
      leak: { source: 'text', rules: ['employee-id'], why: 'her badge number' },
    },
    { at: '2026-10-25T17:00:00Z', language: 'pl', text: 'Upiekłam dziś sernik według przepisu babci. Przepis w komentarzu!' },
    {
      at: '2026-11-02T16:45:00Z',
      language: 'pl',
      text: 'Tablica po dzisiejszych warsztatach 📋 Dobry dzień!',
      images: [{ ...DEMO_MEDIA.whiteboard, alt: 'A whiteboard after a workshop' }],
      leak: { source: 'ocr', rules: ['marking-confidential', 'codename-skylark'], why: 'a photo of a page stamped CONFIDENTIAL naming project Skylark' },
    },
    {
      at: '2026-11-09T19:30:00Z',
      language: 'en',
      text:
        'Best line of the minutes today 😂 "The thermal vacuum test of the second qualification unit failed at the third cycle because the battery heater controller browned out during eclipse simulation."',
      leak: { source: 'text', rules: ['confidential-document'], why: 'a quote from the Skylark design review minutes' },
    },
    { at: '2026-11-15T10:10:00Z', language: 'pl', text: 'Pierwszy śnieg w Gdańsku! Rower zostaje w piwnicy do wiosny ❄️' },
  ]),
};

const dmitri: DemoAccountContent = {
  username: 'dmitri_orlov',
  kind: 'employee',
  displayName: `${DEMO_DISPLAY_NAME_PREFIX}Dmitri Orlov`,
  note: `${NOTE} Наземные станции.`,
  owner: { employeeId: 'DEMO-0002', name: 'Dmitri Orlov', email: 'dmitri.orlov@demo.invalid', department: 'Ground Systems' },
  posts: posts([
    { at: '2026-10-05T20:00:00Z', language: 'ru', text: 'Собрал наконец шкаф из ДСП 16 мм, осталось четыре лишних шурупа 🙃' },
    { at: '2026-10-11T07:30:00Z', language: 'ru', text: 'Отличная пробежка вдоль набережной: 10 км за 52 минуты.' },
    {
      at: '2026-10-16T21:10:00Z',
      language: 'ru',
      text: 'Релиз Lodestar-7 опять переносят на март, всю неделю сидим на созвонах.',
      leak: { source: 'text', rules: ['codename-lodestar-7'], why: 'the code name of an unannounced release and its delay' },
    },
    { at: '2026-10-23T09:50:00Z', language: 'en', text: 'Our jira is painfully slow today. Coffee time ☕' },
    {
      at: '2026-10-30T14:25:00Z',
      language: 'ru',
      text: 'Кто-то забыл в переговорке приказ с грифом ДСП, экз. № 2. Заберите, пожалуйста 🙏',
      leak: { source: 'text', rules: ['marking-dsp'], why: 'a document stamped ДСП (for official use only) left in a meeting room' },
    },
    {
      at: '2026-11-06T06:15:00Z',
      language: 'ru',
      text: 'Утро на полигоне, погода лётная.',
      images: [{ ...DEMO_MEDIA.launchSite, alt: 'A grey morning over a flat test field' }],
      leak: { source: 'exif', rules: ['sensitive-site-location'], why: 'a photo whose GPS position is inside the launch-test site' },
    },
    { at: '2026-11-13T22:00:00Z', language: 'ru', text: 'Кот опять спит на клавиатуре, работать невозможно 🐈' },
  ]),
};

const olena: DemoAccountContent = {
  username: 'olena_kovalenko',
  kind: 'employee',
  displayName: `${DEMO_DISPLAY_NAME_PREFIX}Olena Kovalenko`,
  note: `${NOTE} Фінанси, Київ.`,
  owner: { employeeId: 'DEMO-0003', name: 'Olena Kovalenko', email: 'olena.kovalenko@demo.invalid', department: 'Finance' },
  posts: posts([
    { at: '2026-10-09T08:00:00Z', language: 'uk', text: 'Київ сьогодні такий гарний у тумані 🍂' },
    { at: '2026-10-06T11:00:00Z', language: 'en', text: '', boostOf: { username: 'demo_orbital', id: snowflake(ANNIVERSARY_AT) } },
    {
      at: '2026-10-18T19:40:00Z',
      language: 'uk',
      text: 'Ще не оголошено, але наступного місяця скорочують 40 людей у нашому відділі, список уже готовий. Дуже сумно.',
      leak: { source: 'text', rules: ['business-layoffs'], why: 'unannounced job cuts in her department' },
    },
    { at: '2026-10-24T16:00:00Z', language: 'uk', text: 'Спекла пиріг з яблуками за маминим рецептом ❤️' },
    {
      at: '2026-11-04T09:05:00Z',
      language: 'uk',
      text: 'Хтось залишив на принтері: CONFIDENTIAL — Q4 budget, draft 2. Чий це? 😅',
      leak: { source: 'text', rules: ['marking-confidential'], why: 'a budget draft stamped CONFIDENTIAL' },
    },
    { at: '2026-11-08T20:30:00Z', language: 'uk', text: 'Вихідні: три серії улюбленого серіалу і гарячий чай.' },
    { at: '2026-11-14T12:45:00Z', language: 'uk', text: 'Вчу польську вже пів року, вже можу замовити каву 😄' },
  ]),
};

const nikos: DemoAccountContent = {
  username: 'nikos_pappas',
  kind: 'employee',
  displayName: `${DEMO_DISPLAY_NAME_PREFIX}Nikos Pappas`,
  note: `${NOTE} IT & security, Θεσσαλονίκη.`,
  owner: { employeeId: 'DEMO-0004', name: 'Nikos Pappas', email: 'nikos.pappas@demo.invalid', department: 'IT & Security' },
  posts: posts([
    { at: '2026-10-10T07:00:00Z', language: 'el', text: 'Καλημέρα από τη Θεσσαλονίκη! Καφές και θάλασσα ☀️' },
    {
      at: '2026-10-15T08:35:00Z',
      language: 'en',
      text: 'Anyone else getting timeouts on https://grafana.corp.demo-orbital.invalid/d/ops-overview this morning?',
      leak: { source: 'text', rules: ['internal-hostname'], why: 'an internal monitoring host' },
    },
    { at: '2026-10-22T19:15:00Z', language: 'el', text: 'Μαγείρεψα μουσακά για πρώτη φορά και έγινε τέλειος!' },
    {
      at: '2026-10-28T23:50:00Z',
      language: 'en',
      text: 'Note to self, rotate after the migration 🙈\naws_access_key_id = AKIAQ4DEMO7ORBIT2XKW',
      leak: { source: 'text', rules: ['secret-aws-access-key-id'], why: 'an AWS access key id (invented)' },
    },
    {
      at: '2026-11-01T10:00:00Z',
      language: 'en',
      text: 'Fun fact for the AWS tutorial crowd: AKIAIOSFODNN7EXAMPLE is the example key from the docs, it grants nothing.',
    },
    { at: '2026-11-07T18:00:00Z', language: 'en', text: 'New blog post: my home lab with a Raspberry Pi and far too many cables.' },
    { at: '2026-11-11T21:20:00Z', language: 'el', text: 'Βράδυ με φίλους και σουβλάκια στο λιμάνι 🌙' },
  ]),
};

/** The demo accounts: two corporate, four employees; 40 posts in English, Russian, Ukrainian, Polish and Greek. */
export const DEMO_ACCOUNTS: readonly DemoAccountContent[] = [orbital, careers, anna, dmitri, olena, nikos];
