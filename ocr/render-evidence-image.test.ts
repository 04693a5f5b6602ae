import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderTextImage } from '../test/support/render-text-image.js';
import { configureSharp, ImageRejectedError } from './decode-image.js';
import { OUTLINE_RGB, renderEvidenceImage } from './render-evidence-image.js';

interface Pixels {
  data: Buffer;
  width: number;
  height: number;
}

async function pixelsOf(bytes: Buffer): Promise<Pixels> {
  const { data, info } = await sharp(bytes).rotate().removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

function at(pixels: Pixels, x: number, y: number): number[] {
  const offset = (y * pixels.width + x) * 3;
  return [...pixels.data.subarray(offset, offset + 3)];
}

/** The largest brightness step between horizontal neighbours: sharp letters make big ones, a blur only small ones. */
function sharpestEdge(pixels: Pixels, skip: (x: number, y: number) => boolean = () => false): number {
  let largest = 0;
  for (let y = 0; y < pixels.height; y += 1) {
    for (let x = 1; x < pixels.width; x += 1) {
      if (skip(x, y) || skip(x - 1, y)) continue;
      const [a = 0] = at(pixels, x, y);
      const [b = 0] = at(pixels, x - 1, y);
      largest = Math.max(largest, Math.abs(a - b));
    }
  }
  return largest;
}

describe('evidence image', () => {
  let memo: Buffer;
  let original: Pixels;
  const box: [number, number, number, number] = [50, 60, 300, 45];
  // The outline is 2 px wide here (the image is under 600 px on its short side).
  const isOnOutline = (x: number, y: number) =>
    x >= 48 && x < 352 && y >= 58 && y < 107 && !(x >= 50 && x < 350 && y >= 60 && y < 105);

  beforeAll(async () => {
    memo = await renderTextImage({ lines: ['STRICTLY CONFIDENTIAL', 'Q3 revenue 41.2M', 'do not forward'], width: 600, format: 'png' });
    original = await pixelsOf(memo);
    // As the server runs it: only the four image loaders open (the memo above needed SVG).
    configureSharp();
  });

  it('shows a revealed image exactly as it was, with only the box outlined around the evidence', async () => {
    const shown = await pixelsOf(await renderEvidenceImage(memo, { blur: false, box }));
    expect([shown.width, shown.height]).toEqual([original.width, original.height]);
    let outlinePixels = 0;
    for (let y = 0; y < shown.height; y += 1) {
      for (let x = 0; x < shown.width; x += 1) {
        if (isOnOutline(x, y)) {
          outlinePixels += 1;
          expect(at(shown, x, y)).toEqual([...OUTLINE_RGB]);
        } else if (at(shown, x, y).join() !== at(original, x, y).join()) {
          throw new Error(`pixel ${x},${y} changed outside the outline`);
        }
      }
    }
    expect(outlinePixels).toBe(304 * 49 - 300 * 45);
  });

  it('shows the image unchanged when there is no box', async () => {
    const shown = await pixelsOf(await renderEvidenceImage(memo, { blur: false }));
    expect(shown.data.equals(original.data)).toBe(true);
  });

  it('blurs the whole image beyond reading, and still outlines the box', async () => {
    const bytes = await renderEvidenceImage(memo, { blur: true, box });
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    const shown = await pixelsOf(bytes);
    expect([shown.width, shown.height]).toEqual([original.width, original.height]);
    expect(shown.data.equals(original.data)).toBe(false);
    // Text is dark on light paper: letters make steps of well over 100 levels; the blur leaves none over 16.
    expect(sharpestEdge(original)).toBeGreaterThan(100);
    expect(sharpestEdge(shown, (x, y) => isOnOutline(x, y) || isOnOutline(x + 1, y))).toBeLessThan(16);
    expect(at(shown, 48, 58)).toEqual([...OUTLINE_RGB]);
    expect(at(shown, 351, 106)).toEqual([...OUTLINE_RGB]);
  });

  it('clips a box that runs off the image instead of failing', async () => {
    const shown = await pixelsOf(await renderEvidenceImage(memo, { blur: false, box: [original.width - 10, -5, 500, 20] }));
    expect(at(shown, original.width - 11, 0)).toEqual([...OUTLINE_RGB]);
    expect(at(shown, original.width - 5, 10)).toEqual(at(original, original.width - 5, 10));
  });

  it('draws on the upright image when the file carries an EXIF orientation', async () => {
    const sideways = await sharp({ create: { width: 300, height: 100, channels: 3, background: '#ffffff' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const shown = await pixelsOf(await renderEvidenceImage(sideways, { blur: false, box: [10, 200, 50, 50] }));
    expect([shown.width, shown.height]).toEqual([100, 300]);
    expect(at(shown, 9, 199)).toEqual([...OUTLINE_RGB]);
  });

  it('refuses bytes that are not an image', async () => {
    await expect(renderEvidenceImage(Buffer.from('%PDF-1.7 not an image'), { blur: true })).rejects.toBeInstanceOf(ImageRejectedError);
  });
});
