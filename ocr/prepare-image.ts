import sharp, { type Sharp } from 'sharp';
import { findTextLines, type GrayImage, type TextLayout, type TextLine } from './find-text-lines.js';

/**
 * Turns a decoded photo into what tesseract reads best, and remembers how to map tesseract's word
 * boxes back onto the original photo. Choices (measured in docs/benchmarks.md):
 * - gray by luma, with red ink (stamps, red headings) lifted out into a layer of its own: a stamp is
 *   usually stamped at its own angle over the text, so it is deskewed and read separately, and the
 *   page is then read from the red channel, where the stamp all but vanishes;
 * - lighting flattened by dividing by the blurred background (phone photos are lit unevenly; a
 *   global threshold such as Otsu loses the dim side and hurt screenshots);
 * - light-on-dark text (dark-mode screenshots) inverted here, cheaper than tesseract's own retry;
 * - cropped to the text found, rotated by the text lines' own slope, scaled so letters are about
 *   `targetLetterHeight` pixels tall;
 * - paper painted over whatever lies away from the lines found, so textures around a caption do
 *   not come back as invented words.
 */

/** A region ready for tesseract, with the transform back to the original image's pixels. */
export interface OcrRegion {
  readonly kind: 'page' | 'red-ink';
  /** Grayscale PNG. */
  readonly png: Buffer;
  /** Maps a box in the PNG's pixels to the original image's pixels as [x, y, width, height]. */
  readonly toOriginal: (x0: number, y0: number, x1: number, y1: number) => [number, number, number, number];
  readonly angle: number;
  readonly scale: number;
  /** The longest lines cut out as a small grayscale PNG: read first to choose the page's languages. */
  readonly sample: Buffer | undefined;
  /** Letters the text detector found in this region. */
  readonly letters: number;
}

export interface PreparedImage {
  /** The gate: false when no line of text was found, so OCR is skipped. */
  readonly hasText: boolean;
  /** Letters found by the text detector (the gate's score). */
  readonly letters: number;
  readonly regions: readonly OcrRegion[];
}

const ANALYSIS_MAX_SIDE = 1600;
const MAX_OCR_PIXELS = 12_000_000;

/** The preprocessing choices, each measured on and off in docs/benchmarks.md. */
export interface PreparationOptions {
  /** Skip OCR when the text detector finds fewer letters than `gateMinLetters` (0 turns the gate off). */
  readonly gateMinLetters: number;
  /** Letters are scaled to about this many pixels tall (0: never scaled). */
  readonly targetLetterHeight: number;
  readonly deskew: boolean;
  readonly flattenLighting: boolean;
  /** Read red ink (stamps) as a layer of its own, and the page without it. */
  readonly separateRedInk: boolean;
  /** Crop to the text found and paint paper over what lies away from its lines. */
  readonly cropToLines: boolean;
  /** Cut the longest lines out as `sample`, for choosing the page's languages (see choose-languages.ts). */
  readonly cutLanguageSample: boolean;
}

export const DEFAULT_PREPARATION: PreparationOptions = {
  // Two short words.
  gateMinLetters: 6,
  targetLetterHeight: 16,
  deskew: true,
  flattenLighting: true,
  separateRedInk: true,
  cropToLines: true,
  cutLanguageSample: false,
}

export async function prepareImage(rgb: Buffer, width: number, height: number, options: PreparationOptions = DEFAULT_PREPARATION): Promise<PreparedImage> {
  const { gray, redChannel, redInk, redPixels } = splitRedInk(rgb, width, height);
  // Stamps and red headings cover a little of a picture; a red wall, car or jumper covers a lot.
  const hasRedInk = options.separateRedInk && redPixels > width * height * 0.002 && redPixels < width * height * 0.12;
  const pageLayout = await analyse({ data: gray, width, height });
  const redLayout = hasRedInk ? await analyse({ data: redInk, width, height }) : undefined;
  const letters = pageLayout.layout.letters + (redLayout?.layout.letters ?? 0);
  if (letters < options.gateMinLetters) return { hasText: false, letters, regions: [] };

  const regions: OcrRegion[] = [];
  const readsRedApart = redLayout !== undefined && redLayout.layout.letters >= MIN_REGION_LETTERS;
  if (pageLayout.layout.letters >= MIN_REGION_LETTERS || !readsRedApart) {
    // In the red channel red ink is nearly as light as paper while black and blue ink stay dark,
    // and reddish pixels are painted white: the page reads as if unstamped. Without a red layer,
    // luma keeps red ink dark so it is read with the page.
    const page = readsRedApart ? redChannel : gray;
    regions.push(await regionOf('page', { data: page, width, height }, pageLayout, options));
  }
  if (readsRedApart) regions.push(await regionOf('red-ink', { data: redInk, width, height }, redLayout, options));
  return { hasText: true, letters, regions };
}

const MIN_REGION_LETTERS = 4;

interface Analysis {
  readonly layout: TextLayout;
  /** Analysis pixels per original pixel. */
  readonly ratio: number;
}

async function analyse(image: GrayImage): Promise<Analysis> {
  const ratio = Math.min(1, ANALYSIS_MAX_SIDE / Math.max(image.width, image.height));
  const width = Math.max(1, Math.round(image.width * ratio));
  const height = Math.max(1, Math.round(image.height * ratio));
  const input = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 1 } });
  const small = ratio < 1 ? await input.resize(width, height, { kernel: 'linear' }).extractChannel(0).raw().toBuffer() : image.data;
  const background = await sharp(small, { raw: { width, height, channels: 1 } })
    .blur(8)
    .extractChannel(0)
    .raw()
    .toBuffer();
  return { layout: findTextLines({ data: small, width, height }, background), ratio };
}

/**
 * Luma for the page, and a separate "red ink" layer (dark where the pixel is strongly red) so a
 * red stamp survives as text instead of becoming a gray smear across the page's own text.
 */
function splitRedInk(rgb: Buffer, width: number, height: number): { gray: Uint8Array; redChannel: Uint8Array; redInk: Uint8Array; redPixels: number } {
  const pixels = width * height;
  const gray = new Uint8Array(pixels);
  const redChannel = new Uint8Array(pixels);
  const redInk = new Uint8Array(pixels);
  let redPixels = 0;
  for (let pixel = 0, offset = 0; pixel < pixels; pixel += 1, offset += 3) {
    const red = rgb[offset] ?? 0;
    const green = rgb[offset + 1] ?? 0;
    const blue = rgb[offset + 2] ?? 0;
    gray[pixel] = (red * 77 + green * 150 + blue * 29) >> 8;
    // Even faint red (a stamp's pink edges) is paper on the page layer; black text under the
    // stamp is too dark to count as red and stays.
    redChannel[pixel] = red - Math.max(green, blue) > 30 ? 255 : red;
    const redness = red - Math.max(green, blue);
    if (redness > 50 && red > 100) {
      redPixels += 1;
      redInk[pixel] = Math.max(0, 255 - redness * 2);
    } else {
      redInk[pixel] = 255;
    }
  }
  return { gray, redChannel, redInk, redPixels };
}

async function regionOf(kind: OcrRegion['kind'], image: GrayImage, { layout, ratio }: Analysis, options: PreparationOptions): Promise<OcrRegion> {
  const letterHeight = layout.letterHeight / ratio;
  const crop = options.cropToLines ? cropAround(layout.lines, ratio, letterHeight, image.width, image.height) : { left: 0, top: 0, width: image.width, height: image.height };
  const angle = !options.deskew || Math.abs(layout.angle) < 0.4 ? 0 : Math.max(-20, Math.min(20, layout.angle));
  let scale = letterHeight > 0 && options.targetLetterHeight > 0 ? Math.max(0.5, Math.min(3, options.targetLetterHeight / letterHeight)) : 1;

  const flattened = await flattenLighting(image, crop, lightOnDark(layout), options.flattenLighting);
  if (options.cropToLines && layout.lines.length > 0) blankAwayFromLines(flattened, crop, layout.lines, ratio);
  const rotated = angle === 0
    ? { data: flattened, info: { width: crop.width, height: crop.height } }
    : await sharp(flattened, { raw: { width: crop.width, height: crop.height, channels: 1 } })
        .rotate(-angle, { background: { r: 255, g: 255, b: 255 } })
        .extractChannel(0)
        .raw()
        .toBuffer({ resolveWithObject: true });
  const rotatedWidth = rotated.info.width;
  const rotatedHeight = rotated.info.height;
  scale = Math.min(scale, Math.sqrt(MAX_OCR_PIXELS / (rotatedWidth * rotatedHeight)));
  const outWidth = Math.max(1, Math.round(rotatedWidth * scale));
  const outHeight = Math.max(1, Math.round(rotatedHeight * scale));
  const resized = await sharp(rotated.data, { raw: { width: rotatedWidth, height: rotatedHeight, channels: 1 } })
    .resize(outWidth, outHeight, { kernel: scale > 1 ? 'cubic' : 'lanczos3' })
    .extractChannel(0)
    .raw()
    .toBuffer();
  const asPng = (pipeline: Sharp) => pipeline.png({ compressionLevel: 1, adaptiveFiltering: false }).toBuffer();
  const png = await asPng(sharp(resized, { raw: { width: outWidth, height: outHeight, channels: 1 } }));

  const radians = (angle * Math.PI) / 180;
  const cos = Math.cos(radians);
  const sin = Math.sin(radians);
  const toOriginal = (x0: number, y0: number, x1: number, y1: number): [number, number, number, number] => {
    const xs: number[] = [];
    const ys: number[] = [];
    for (const [x, y] of [[x0, y0], [x1, y0], [x0, y1], [x1, y1]] as const) {
      // Undo the scale, then the rotation about the rotated canvas's centre, then the crop.
      const rx = (x * rotatedWidth) / outWidth - rotatedWidth / 2;
      const ry = (y * rotatedHeight) / outHeight - rotatedHeight / 2;
      xs.push(rx * cos - ry * sin + crop.width / 2 + crop.left);
      ys.push(rx * sin + ry * cos + crop.height / 2 + crop.top);
    }
    const left = Math.max(0, Math.floor(Math.min(...xs)));
    const top = Math.max(0, Math.floor(Math.min(...ys)));
    const right = Math.min(image.width, Math.ceil(Math.max(...xs)));
    const bottom = Math.min(image.height, Math.ceil(Math.max(...ys)));
    return [left, top, Math.max(0, right - left), Math.max(0, bottom - top)];
  };
  const toOutput = (x: number, y: number): [number, number] => {
    // The crop, then the rotation about the canvases' centres, then the scale.
    const dx = x - crop.left - crop.width / 2;
    const dy = y - crop.top - crop.height / 2;
    const rx = dx * cos + dy * sin + rotatedWidth / 2;
    const ry = -dx * sin + dy * cos + rotatedHeight / 2;
    return [(rx * outWidth) / rotatedWidth, (ry * outHeight) / rotatedHeight];
  };
  const sampleBox = options.cutLanguageSample ? sampleOf(layout.lines, ratio, toOutput, outWidth, outHeight) : undefined;
  const sample = sampleBox === undefined ? undefined : await asPng(sharp(resized, { raw: { width: outWidth, height: outHeight, channels: 1 } }).extract(sampleBox));
  return { kind, png, toOriginal, angle, scale, sample, letters: layout.letters };
}

const SAMPLE_LINES = 2;
const SAMPLE_MAX_WIDTH = 900;

/**
 * The rectangle around the few longest lines (body text rather than a heading), when they lie close
 * enough together that the rectangle stays a small part of the page.
 */
function sampleOf(
  lines: readonly TextLine[],
  ratio: number,
  toOutput: (x: number, y: number) => [number, number],
  width: number,
  height: number,
): { left: number; top: number; width: number; height: number } | undefined {
  const longest = [...lines].sort((a, b) => b.letters - a.letters).slice(0, SAMPLE_LINES);
  const boxes = longest.map((line) => {
    const corners = [toOutput(line.x0 / ratio, line.y0 / ratio), toOutput(line.x1 / ratio, line.y0 / ratio), toOutput(line.x0 / ratio, line.y1 / ratio), toOutput(line.x1 / ratio, line.y1 / ratio)];
    const xs = corners.map(([x]) => x);
    const ys = corners.map(([, y]) => y);
    const margin = (Math.max(...ys) - Math.min(...ys)) * 0.25;
    return { x0: Math.min(...xs) - margin, y0: Math.min(...ys) - margin, x1: Math.max(...xs) + margin, y1: Math.max(...ys) + margin };
  });
  for (let count = boxes.length; count >= 1; count -= 1) {
    const chosen = boxes.slice(0, count);
    const left = Math.max(0, Math.floor(Math.min(...chosen.map((box) => box.x0))));
    const top = Math.max(0, Math.floor(Math.min(...chosen.map((box) => box.y0))));
    const right = Math.min(width, Math.ceil(Math.max(...chosen.map((box) => box.x1))));
    const bottom = Math.min(height, Math.ceil(Math.max(...chosen.map((box) => box.y1))));
    if (right <= left || bottom <= top) continue;
    if (count === 1 || (bottom - top) * (right - left) <= width * height * 0.08) {
      return { left, top, width: Math.min(right - left, SAMPLE_MAX_WIDTH), height: bottom - top };
    }
  }
  return undefined;
}

interface Crop {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/** The lines' bounding box in original pixels, with a margin of a few letters for what the detector missed. */
function cropAround(lines: readonly TextLine[], ratio: number, letterHeight: number, width: number, height: number): Crop {
  const margin = Math.max(16, letterHeight * 4);
  let x0 = width;
  let y0 = height;
  let x1 = 0;
  let y1 = 0;
  for (const line of lines) {
    x0 = Math.min(x0, line.x0 / ratio);
    y0 = Math.min(y0, line.y0 / ratio);
    x1 = Math.max(x1, (line.x1 + 1) / ratio);
    y1 = Math.max(y1, (line.y1 + 1) / ratio);
  }
  const left = Math.max(0, Math.floor(x0 - margin));
  const top = Math.max(0, Math.floor(y0 - margin));
  const right = Math.min(width, Math.ceil(x1 + margin));
  const bottom = Math.min(height, Math.ceil(y1 + margin));
  if (right <= left || bottom <= top) return { left: 0, top: 0, width, height };
  return { left, top, width: right - left, height: bottom - top };
}

/**
 * Paints paper over everything but the found lines and a margin around them. Textures (bricks,
 * foliage, a keyboard) around a caption or a note otherwise come back from tesseract as pages of
 * invented words, slowly; the margin keeps short words and punctuation the detector did not chain.
 */
function blankAwayFromLines(pixels: Uint8Array, crop: Crop, lines: readonly TextLine[], ratio: number): void {
  const keep = new Uint8Array(pixels.length);
  for (const line of lines) {
    const height = (line.y1 - line.y0 + 1) / ratio;
    const left = Math.max(0, Math.floor(line.x0 / ratio - crop.left - height * 3));
    const right = Math.min(crop.width, Math.ceil((line.x1 + 1) / ratio - crop.left + height * 3));
    const top = Math.max(0, Math.floor(line.y0 / ratio - crop.top - height * 0.8));
    const bottom = Math.min(crop.height, Math.ceil((line.y1 + 1) / ratio - crop.top + height * 0.8));
    for (let row = top; row < bottom; row += 1) keep.fill(1, row * crop.width + left, row * crop.width + right);
  }
  for (let index = 0; index < pixels.length; index += 1) if (keep[index] === 0) pixels[index] = 255;
}

function lightOnDark(layout: TextLayout): boolean {
  // findTextLines returns dark-ink lines first; compare the letters each polarity found.
  let dark = 0;
  let light = 0;
  for (const line of layout.lines) {
    if (line.isLight) light += line.letters;
    else dark += line.letters;
  }
  return light > dark * 1.5;
}

/** Divides by the blurred background so paper reads white everywhere; inverts light-on-dark text. */
async function flattenLighting(image: GrayImage, crop: Crop, invert: boolean, isWanted: boolean): Promise<Uint8Array> {
  const cropped = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 1 } })
    .extract(crop)
    .extractChannel(0)
    .raw()
    .toBuffer();
  const source = invert ? cropped.map((value) => 255 - value) : cropped;
  if (!isWanted) return source;
  const sigma = Math.max(12, Math.min(crop.width, crop.height) / 30);
  const background = await sharp(source, { raw: { width: crop.width, height: crop.height, channels: 1 } })
    .blur(sigma)
    .extractChannel(0)
    .raw()
    .toBuffer();
  const flattened = new Uint8Array(source.length);
  for (let index = 0; index < source.length; index += 1) {
    const paper = Math.max(background[index] ?? 255, 40);
    flattened[index] = Math.min(255, Math.round(((source[index] ?? 0) * 255) / paper));
  }
  return flattened;
}
