/**
 * A cheap text detector: letters are ink blobs of similar height standing side by side. The image
 * is thresholded against its own blurred background (both polarities, so light-on-dark screens
 * count), blobs are labelled, and blobs of a letter's shape that have a neighbour of similar height
 * a letter-gap away on the same baseline are chained. Chains of three or more are text lines.
 *
 * It answers three questions for the price of one pass over the pixels: is there text at all (the
 * gate), at what angle does it run (deskew from the chains' own slopes, rather than rotating the
 * image dozens of times for a projection profile), and how tall is it (so it can be scaled to the
 * height tesseract reads best).
 */

export interface GrayImage {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}

export interface TextLine {
  /** Bounding box of the line's blobs, in the analysed image's pixels. */
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
  /** Slope of the baseline in degrees, clockwise positive (image y grows downwards). */
  readonly angle: number;
  /** Median blob height. */
  readonly height: number;
  readonly letters: number;
  /** Light letters on a dark ground (a dark-mode screen, a blackboard). */
  readonly isLight: boolean;
}

export interface TextLayout {
  readonly lines: readonly TextLine[];
  /** Letters in all lines: the gate's score. */
  readonly letters: number;
  /** Median slope of the lines weighted by their length, in degrees; 0 without lines. */
  readonly angle: number;
  /** Median letter height in pixels; 0 without lines. */
  readonly letterHeight: number;
}

interface Blob {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  area: number;
}

const CONTRAST = 24;
const MIN_LETTER_HEIGHT = 6;
const MAX_LETTER_HEIGHT = 160;
const MIN_LINE_LETTERS = 3;
const MAX_BLOBS = 60_000;

/**
 * Finds text lines in a grayscale image. `background` is the same image blurred well beyond a
 * letter's stroke width (a local mean), against which ink is judged.
 */
export function findTextLines(image: GrayImage, background: Uint8Array): TextLayout {
  const dark = new Uint8Array(image.data.length);
  const light = new Uint8Array(image.data.length);
  for (let index = 0; index < image.data.length; index += 1) {
    const value = image.data[index] ?? 0;
    const mean = background[index] ?? 0;
    if (value + CONTRAST < mean) dark[index] = 1;
    else if (value > mean + CONTRAST) light[index] = 1;
  }
  const lines = [
    ...chainLetters(labelBlobs(dark, image.width, image.height), false),
    ...chainLetters(labelBlobs(light, image.width, image.height), true),
  ];
  const letters = lines.reduce((sum, line) => sum + line.letters, 0);
  return {
    lines,
    letters,
    angle: weightedMedian(lines.map((line) => [line.angle, line.letters])),
    letterHeight: weightedMedian(lines.map((line) => [line.height, line.letters])),
  };
}

/** Connected components (8-neighbourhood) of the set pixels, by an explicit stack. */
function labelBlobs(mask: Uint8Array, width: number, height: number): Blob[] {
  const blobs: Blob[] = [];
  const stack = new Int32Array(mask.length);
  for (let start = 0; start < mask.length && blobs.length < MAX_BLOBS; start += 1) {
    if (mask[start] !== 1) continue;
    mask[start] = 2;
    let top = 0;
    stack[top++] = start;
    const blob: Blob = { x0: width, y0: height, x1: 0, y1: 0, area: 0 };
    while (top > 0) {
      const index = stack[--top] ?? 0;
      const x = index % width;
      const y = (index - x) / width;
      blob.area += 1;
      if (x < blob.x0) blob.x0 = x;
      if (x > blob.x1) blob.x1 = x;
      if (y < blob.y0) blob.y0 = y;
      if (y > blob.y1) blob.y1 = y;
      for (let dy = -1; dy <= 1; dy += 1) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx += 1) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const neighbour = ny * width + nx;
          if (mask[neighbour] === 1) {
            mask[neighbour] = 2;
            stack[top++] = neighbour;
          }
        }
      }
    }
    if (isLetterShaped(blob)) blobs.push(blob);
  }
  return blobs;
}

function isLetterShaped(blob: Blob): boolean {
  const width = blob.x1 - blob.x0 + 1;
  const height = blob.y1 - blob.y0 + 1;
  if (height < MIN_LETTER_HEIGHT || height > MAX_LETTER_HEIGHT) return false;
  // Letters touching each other make wide blobs; a whole underlined word is wider still.
  if (width > height * 6 || width * 8 < height) return false;
  const fill = blob.area / (width * height);
  return fill > 0.08 && fill < 0.9;
}

/** Links blobs to the nearest similar blob on their right and returns the chains as lines. */
function chainLetters(blobs: Blob[], isLight: boolean): TextLine[] {
  blobs.sort((a, b) => a.x0 - b.x0);
  const parent = Int32Array.from(blobs, (_, index) => index);
  const root = (index: number): number => {
    let node = index;
    while (parent[node] !== node) {
      const up = parent[node] ?? node;
      parent[node] = parent[up] ?? up;
      node = up;
    }
    return node;
  };
  for (let index = 0; index < blobs.length; index += 1) {
    const blob = blobs[index];
    if (blob === undefined) continue;
    const height = blob.y1 - blob.y0 + 1;
    const centre = (blob.y0 + blob.y1) / 2;
    for (let next = index + 1; next < blobs.length; next += 1) {
      const other = blobs[next];
      if (other === undefined) continue;
      const gap = other.x0 - blob.x1;
      if (gap > height * 1.5) break;
      if (gap < -height * 0.3) continue;
      const otherHeight = other.y1 - other.y0 + 1;
      if (otherHeight > height * 2 || otherHeight * 2 < height) continue;
      if (Math.abs((other.y0 + other.y1) / 2 - centre) > Math.max(height, otherHeight) * 0.45) continue;
      parent[root(next)] = root(index);
    }
  }
  const chains = new Map<number, Blob[]>();
  blobs.forEach((blob, index) => {
    const key = root(index);
    const chain = chains.get(key);
    if (chain === undefined) chains.set(key, [blob]);
    else chain.push(blob);
  });
  const lines: TextLine[] = [];
  for (const chain of chains.values()) {
    if (chain.length >= MIN_LINE_LETTERS) lines.push(lineOf(chain, isLight));
  }
  return lines;
}

function lineOf(chain: readonly Blob[], isLight: boolean): TextLine {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  let sumX = 0;
  let sumY = 0;
  for (const blob of chain) {
    x0 = Math.min(x0, blob.x0);
    y0 = Math.min(y0, blob.y0);
    x1 = Math.max(x1, blob.x1);
    y1 = Math.max(y1, blob.y1);
    sumX += (blob.x0 + blob.x1) / 2;
    sumY += blob.y1;
  }
  // Least-squares slope of the blobs' bottoms: the baseline, less disturbed by capitals than centres.
  const meanX = sumX / chain.length;
  const meanY = sumY / chain.length;
  let covariance = 0;
  let variance = 0;
  for (const blob of chain) {
    const dx = (blob.x0 + blob.x1) / 2 - meanX;
    covariance += dx * (blob.y1 - meanY);
    variance += dx * dx;
  }
  const angle = variance === 0 ? 0 : (Math.atan(covariance / variance) * 180) / Math.PI;
  const heights = chain.map((blob) => blob.y1 - blob.y0 + 1).sort((a, b) => a - b);
  return { x0, y0, x1, y1, angle, height: heights[heights.length >> 1] ?? 0, letters: chain.length, isLight };
}

function weightedMedian(pairs: readonly (readonly [number, number])[]): number {
  const total = pairs.reduce((sum, [, weight]) => sum + weight, 0);
  if (total === 0) return 0;
  const sorted = [...pairs].sort(([a], [b]) => a - b);
  let seen = 0;
  for (const [value, weight] of sorted) {
    seen += weight;
    if (seen * 2 >= total) return value;
  }
  return sorted[sorted.length - 1]?.[0] ?? 0;
}
