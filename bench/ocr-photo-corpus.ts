import sharp from 'sharp';
import { backdropSvg, NO_TEXT_KINDS, noTextSvg, type BackdropKind } from './ocr-backdrops.js';
import { composeMemeCaption, composeMenu, composeSign } from './ocr-benign-texts.js';
import { layOutDocument } from './ocr-document-surface.js';
import { composeDocument, TEXT_LANGUAGES, type TextLanguage } from './ocr-document-texts.js';
import { parseMarkedLine } from './ocr-marked-text.js';
import { photographScene, photographSurface, renderSvg, type PhotoSettings } from './ocr-photograph.js';
import { badgeSurface, menuSurface, signSurface, stickyNoteSurface, whiteboardSurface, type SceneSurface } from './ocr-scene-surfaces.js';
import { composeBadge, composeChat, composeStickyNote, composeTerminal, composeTicket, composeWhiteboard } from './ocr-scene-texts.js';
import { chatScreen, terminalScreen, ticketScreen, type Screen } from './ocr-screenshots.js';
import { SeededRandom } from './ocr-seeded-random.js';
import { estimateWidth, svgText } from './ocr-svg-text.js';

export type PhotoKind = 'document' | 'screenshot' | 'whiteboard' | 'badge' | 'sticky-note' | 'meme' | 'menu' | 'no-text';
export type PhotoLanguage = TextLanguage | 'none';

/** Kinds that show company material and hold a leak; the others are what feeds are mostly made of. */
export const DOCUMENT_KINDS: readonly PhotoKind[] = ['document', 'screenshot', 'whiteboard', 'badge', 'sticky-note'];
export const BENIGN_KINDS: readonly PhotoKind[] = ['meme', 'menu', 'no-text'];

/** One generated image with what a perfect reader would read in it. */
export interface PhotoSample {
  readonly id: string;
  readonly kind: PhotoKind;
  /** Finer than kind: `full-page`/`close-up`, `chat`/`terminal`/`ticket`, `menu`/`street-sign`, the no-text scene… */
  readonly variant: string;
  readonly language: PhotoLanguage;
  readonly format: 'jpeg' | 'png';
  readonly width: number;
  readonly height: number;
  readonly bytes: Buffer;
  /** The words a reader must get right for the leak to be found (markings, code name, amounts, hosts, secrets); a multiset. */
  readonly evidenceWords: readonly string[];
  /** Every word rendered, as whitespace-separated tokens; a multiset. */
  readonly allWords: readonly string[];
  /** The rendered text, one line per printed line (a perfect OCR reading, in reading order). */
  readonly text: string;
  readonly leak: boolean;
  /** Rules (ids) that a perfect reading triggers: document kinds only. */
  readonly expectedRules?: readonly string[];
}

export interface PhotoCorpusOptions {
  readonly seed: number;
  readonly count: number;
  /** Share of images of a document kind (0–1); a real feed has at most 0.4. */
  readonly documentShare: number;
  /** Images generated at once (sharp renders on libuv threads while JS warps another); default 4. */
  readonly concurrency?: number;
}

const DOCUMENT_MIX: readonly [PhotoKind, number][] = [['document', 0.45], ['screenshot', 0.2], ['whiteboard', 0.12], ['badge', 0.11], ['sticky-note', 0.12]];
const BENIGN_MIX: readonly [PhotoKind, number][] = [['no-text', 0.65], ['menu', 0.2], ['meme', 0.15]];
const FRAMES = { portrait: [810, 1080], landscape: [1080, 810], wide: [1080, 720], square: [1080, 1080] } as const;

/**
 * Generates a deterministic photo corpus: `count` images, `documentShare` of them of a document
 * kind (each holding a leak), the rest benign (procedural photos without text, menus, street
 * signs, memes). The same options give byte-identical images on the same sharp version.
 */
export async function generatePhotoCorpus(options: PhotoCorpusOptions): Promise<PhotoSample[]> {
  if (!Number.isInteger(options.count) || options.count < 0) throw new RangeError(`count must be a whole number, got ${String(options.count)}`);
  if (!(options.documentShare >= 0 && options.documentShare <= 1)) throw new RangeError(`documentShare must be in [0, 1], got ${String(options.documentShare)}`);
  const random = new SeededRandom(options.seed);
  const documents = Math.round(options.count * options.documentShare);
  const kinds = random.shuffle([...allocate(DOCUMENT_MIX, documents), ...allocate(BENIGN_MIX, options.count - documents)]);
  // Languages rotate per kind from a random start, so every language gets its share of every kind.
  const rotation = new Map<PhotoKind, number>();
  const start = random.int(0, TEXT_LANGUAGES.length - 1);
  const plans = kinds.map((kind, index) => {
    const turn = rotation.get(kind) ?? 0;
    rotation.set(kind, turn + 1);
    let language: PhotoLanguage = kind === 'no-text' ? 'none' : TEXT_LANGUAGES[(start + turn) % TEXT_LANGUAGES.length]!;
    // Most memes that circulate are in English whatever the poster's language.
    if (kind === 'meme' && random.chance(0.5)) language = 'en';
    return { kind, language, index, random: random.fork(index) };
  });
  const samples: PhotoSample[] = new Array<PhotoSample>(plans.length);
  let next = 0;
  const worker = async () => {
    while (next < plans.length) {
      const plan = plans[next]!;
      next += 1;
      samples[plan.index] = await generateSample(plan.kind, plan.language, plan.random, `photo-${String(options.seed)}-${String(plan.index).padStart(4, '0')}-${plan.kind}-${plan.language}`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  return samples;
}

/**
 * Six images for tests (three of a document kind, three benign), under two seconds. Draw them
 * before creating an OCR engine: the engine limits sharp to photo formats, and these come from SVG.
 */
export function smallPhotoCorpus(): Promise<PhotoSample[]> {
  return generatePhotoCorpus({ seed: 7, count: 6, documentShare: 0.5 });
}

/** Splits `total` over weighted kinds by largest remainder, so small corpora still get the big kinds right. */
function allocate(mix: readonly [PhotoKind, number][], total: number): PhotoKind[] {
  const exact = mix.map(([kind, weight]) => ({ kind, exact: weight * total, count: Math.floor(weight * total) }));
  let left = total - exact.reduce((sum, entry) => sum + entry.count, 0);
  for (const entry of [...exact].sort((a, b) => b.exact - b.count - (a.exact - a.count))) {
    if (left <= 0) break;
    entry.count += 1;
    left -= 1;
  }
  return exact.flatMap((entry) => Array.from({ length: entry.count }, () => entry.kind));
}

async function generateSample(kind: PhotoKind, language: PhotoLanguage, random: SeededRandom, id: string): Promise<PhotoSample> {
  const textLanguage: TextLanguage = language === 'none' ? 'en' : language;
  const jpegQuality = random.range(60, 85);
  const photo = async (scene: SceneSurface, frame: readonly [number, number], settings: Omit<PhotoSettings, 'frame' | 'backdrop'>, backdrop: BackdropKind) => {
    const bytes = await photographSurface(scene.surface, { ...settings, frame, backdrop: backdropSvg(backdrop, frame[1] / frame[0], random) }, random, jpegQuality);
    return { bytes, frame, lines: scene.lines };
  };
  const base = { id, kind, language, format: 'jpeg' as const };
  switch (kind) {
    case 'document': {
      const doc = composeDocument(textLanguage, random);
      const page = layOutDocument(doc, random);
      const frame = page.isCloseUp ? random.pick([FRAMES.portrait, FRAMES.landscape, FRAMES.wide]) : random.chance(0.8) ? FRAMES.portrait : FRAMES.square;
      const shot = await photo({ surface: page.surface, lines: page.lines }, frame, { fill: page.isCloseUp ? [0.86, 0.97] : [0.8, 0.95], maxRotationDeg: 12, maxTilt: 0.25, hasShadow: true, glare: random.chance(0.2) ? random.range(0.05, 0.15) : 0 }, 'desk');
      return sample({ ...base, variant: page.isCloseUp ? 'close-up' : 'full-page', leak: true, expectedRules: doc.expectedRules }, shot);
    }
    case 'whiteboard': {
      const text = composeWhiteboard(textLanguage, random);
      const shot = await photo(whiteboardSurface(text.lines, random), random.pick([FRAMES.landscape, FRAMES.wide]), { fill: [0.75, 0.95], maxRotationDeg: 8, maxTilt: 0.3, hasShadow: false, glare: random.range(0.15, 0.4) }, 'wall');
      return sample({ ...base, variant: 'whiteboard', leak: true, expectedRules: text.expectedRules }, shot);
    }
    case 'sticky-note': {
      const text = composeStickyNote(textLanguage, random);
      const onMonitor = random.chance(0.5);
      const shot = await photo(stickyNoteSurface(text.lines, random), random.pick([FRAMES.portrait, FRAMES.landscape, FRAMES.square]), { fill: [0.45, 0.75], maxRotationDeg: 12, maxTilt: 0.2, hasShadow: true, glare: 0 }, onMonitor ? 'monitor' : 'desk');
      return sample({ ...base, variant: onMonitor ? 'on-monitor' : 'on-desk', leak: true, expectedRules: text.expectedRules }, shot);
    }
    case 'badge': {
      const text = composeBadge(textLanguage, random);
      const shot = await photo(badgeSurface(text.lines, random), random.pick([FRAMES.portrait, FRAMES.square]), { fill: [0.55, 0.85], maxRotationDeg: 12, maxTilt: 0.2, hasShadow: true, glare: random.range(0.1, 0.3) }, 'desk');
      return sample({ ...base, variant: 'badge', leak: true, expectedRules: text.expectedRules }, shot);
    }
    case 'screenshot':
      return screenshot(base, textLanguage, random);
    case 'menu': {
      const isSign = random.chance(0.4);
      const scene = isSign ? signSurface(composeSign(textLanguage, random), random) : menuSurface(composeMenu(textLanguage, random), random);
      const settings = isSign ? { fill: [0.4, 0.75] as const, maxRotationDeg: 6, maxTilt: 0.3, hasShadow: false, glare: 0 } : { fill: [0.75, 0.95] as const, maxRotationDeg: 10, maxTilt: 0.25, hasShadow: true, glare: 0 };
      const shot = await photo(scene, isSign ? random.pick([FRAMES.landscape, FRAMES.wide]) : FRAMES.portrait, settings, isSign ? 'street' : random.pick(['table', 'wall'] as const));
      return sample({ ...base, variant: isSign ? 'street-sign' : 'menu', leak: false }, shot);
    }
    case 'meme':
      return meme(base, textLanguage, random);
    default: {
      const scene = random.pick(NO_TEXT_KINDS);
      const frame = random.pick([FRAMES.portrait, FRAMES.landscape, FRAMES.square, FRAMES.wide]);
      const bytes = await photographScene(noTextSvg(scene, frame[1] / frame[0], random), frame, random, random.range(65, 90));
      return sample({ ...base, variant: scene, leak: false }, { bytes, frame, lines: [] });
    }
  }
}

type SampleHead = Pick<PhotoSample, 'id' | 'kind' | 'language' | 'format' | 'variant' | 'leak' | 'expectedRules'>;

function sample(head: SampleHead, shot: { bytes: Buffer; frame: readonly [number, number]; lines: readonly string[] }): PhotoSample {
  const lines = shot.lines.map(parseMarkedLine);
  return {
    ...head,
    width: shot.frame[0],
    height: shot.frame[1],
    bytes: shot.bytes,
    evidenceWords: lines.flatMap((line) => line.evidence),
    allWords: lines.flatMap((line) => line.words),
    text: lines.map((line) => line.text).join('\n'),
  };
}

/** A chat, terminal or ticket screen: half lossless PNG at its own size, half JPEG shrunk to 1080 px. */
async function screenshot(base: Pick<PhotoSample, 'id' | 'kind' | 'language'>, language: TextLanguage, random: SeededRandom): Promise<PhotoSample> {
  const choice = random.int(0, 2);
  let screen: Screen;
  let expectedRules: readonly string[];
  if (choice === 0) {
    const chat = composeChat(language, random);
    screen = chatScreen(chat, random);
    expectedRules = chat.expectedRules;
  } else if (choice === 1) {
    const session = composeTerminal(random);
    screen = terminalScreen(session, random);
    expectedRules = session.expectedRules;
  } else {
    const ticket = composeTicket(language, random);
    screen = ticketScreen(ticket, random);
    expectedRules = ticket.expectedRules;
  }
  const variant = `${['chat', 'terminal', 'ticket'][choice] ?? 'chat'}${screen.isDark ? '-dark' : ''}`;
  const isPng = random.chance(0.5);
  const raw = await renderSvg(screen.svg, screen.width, screen.height);
  const image = sharp(raw, { raw: { width: screen.width, height: screen.height, channels: 3 } });
  const scale = isPng ? 1 : 1080 / Math.max(screen.width, screen.height);
  const frame = [Math.round(screen.width * scale), Math.round(screen.height * scale)] as const;
  const bytes = isPng ? await image.png().toBuffer() : await image.resize(frame[0], frame[1], { kernel: 'lanczos3' }).jpeg({ quality: Math.round(random.range(72, 92)) }).toBuffer();
  return sample({ ...base, format: isPng ? 'png' : 'jpeg', variant, leak: true, expectedRules: [...expectedRules] }, { bytes, frame, lines: screen.lines });
}

/** A photo with a top and bottom caption in white capitals with a black outline. */
async function meme(base: Pick<PhotoSample, 'id' | 'kind' | 'language'>, language: TextLanguage, random: SeededRandom): Promise<PhotoSample> {
  const [top, bottom] = composeMemeCaption(language, random);
  const frame = random.pick([FRAMES.square, FRAMES.landscape, FRAMES.portrait]);
  const [width, height] = frame;
  const style = (text: string) => {
    const size = Math.min(height * 0.11, (width * 0.92) / estimateWidth(text, 1, 'DejaVu Sans Condensed', true));
    return { size, family: 'DejaVu Sans Condensed', weight: 'bold' as const, fill: '#ffffff', anchor: 'middle' as const, stroke: '#000000', strokeWidth: size * 0.12 };
  };
  const caption = `<svg xmlns="http://www.w3.org/2000/svg" width="${String(width)}" height="${String(height)}">${svgText(width / 2, height * 0.13, top, style(top))}${svgText(width / 2, height * 0.95, bottom, style(bottom))}</svg>`;
  const scene = random.pick(['landscape', 'abstract', 'plate', 'foliage', 'sky', 'bricks'] as const);
  const bytes = await photographScene(noTextSvg(scene, height / width, random), frame, random, random.range(55, 80), caption);
  return sample({ ...base, format: 'jpeg', variant: scene, leak: false }, { bytes, frame, lines: [top, bottom] });
}
