import sharp from 'sharp';
import { PermanentError } from '../core/errors.js';

/** The hash compares each of 8 rows of 9 grey cells with its right neighbour: 8 × 8 = 64 bits. */
const GRID_WIDTH = 9;
const GRID_HEIGHT = 8;
const HASH_PATTERN = /^[0-9a-f]{16}$/;

/**
 * 64-bit difference hash (dHash) of an image, as 16 lowercase hex digits: bit 63 − (8·row + column)
 * is set when grid cell (row, column) is brighter than the cell to its right, on a 9×8 greyscale
 * thumbnail. Re-encoding and rescaling barely move it; see SAME_IMAGE_MAX_DISTANCE for what it
 * cannot see. `rgb` is 8-bit RGB, 3 bytes a pixel, row by row; a buffer of the wrong size rejects
 * with a PermanentError.
 */
export async function differenceHash(rgb: Buffer, width: number, height: number): Promise<string> {
  if (!Number.isSafeInteger(width) || !Number.isSafeInteger(height) || width < 1 || height < 1) {
    throw new PermanentError(`differenceHash needs a positive integer size, got ${width}×${height}`);
  }
  if (rgb.length !== width * height * 3) {
    throw new PermanentError(`differenceHash expected ${width * height * 3} bytes of RGB for ${width}×${height}, got ${rgb.length}`);
  }
  // libvips box-shrinks first, so every source pixel is averaged into its cell and JPEG noise
  // barely moves a cell. For the last step, lanczos3 merged the fewest added notes at the chosen
  // threshold of the kernels measured (linear, cubic, Mitchell, MKS2021), with re-encode distances
  // like theirs; nearest-neighbour samples single pixels, and a re-encode then moved 9–17 bits.
  const { data, info } = await sharp(rgb, { raw: { width, height, channels: 3 } })
    .grayscale()
    .resize(GRID_WIDTH, GRID_HEIGHT, { fit: 'fill', kernel: 'lanczos3' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 1 || data.length !== GRID_WIDTH * GRID_HEIGHT) {
    throw new PermanentError(`sharp returned a ${info.width}×${info.height}×${info.channels} thumbnail, not 9×8 grey`);
  }

  let hex = '';
  for (let row = 0; row < GRID_HEIGHT; row++) {
    for (let nibble = 0; nibble < 2; nibble++) {
      let digit = 0;
      for (let bit = 0; bit < 4; bit++) {
        const at = row * GRID_WIDTH + nibble * 4 + bit;
        digit = (digit << 1) | ((data[at] ?? 0) > (data[at + 1] ?? 0) ? 1 : 0);
      }
      hex += digit.toString(16);
    }
  }
  return hex;
}

/** Number of bits (0–64) in which two differenceHash values differ; a malformed hash throws a PermanentError. */
export function hammingDistance(a: string, b: string): number {
  for (const hash of [a, b]) {
    if (!HASH_PATTERN.test(hash)) {
      throw new PermanentError(`not a 64-bit difference hash (16 lowercase hex digits): ${JSON.stringify(hash.slice(0, 40))}`);
    }
  }
  let distance = 0;
  // Two 32-bit halves: JavaScript's bitwise operators work on 32 bits.
  for (let start = 0; start < 16; start += 8) {
    let differing = (Number.parseInt(a.slice(start, start + 8), 16) ^ Number.parseInt(b.slice(start, start + 8), 16)) >>> 0;
    while (differing !== 0) {
      differing = (differing & (differing - 1)) >>> 0;
      distance++;
    }
  }
  return distance;
}

/**
 * Images at most this many bits apart are treated as the same picture. It is tight because the
 * pictures that matter differ by little: a desk photo with and without a sticky note carrying a
 * password was only 11 bits apart, so the customary dHash threshold of about 10 would have merged
 * the leak into the harmless photo.
 *
 * Measured on 40 generated 800×600 desk scenes (as in the test): a JPEG re-encode at quality 70,
 * a resize to 80 % or both land 0–3 bits away; a 110×110 px note with a password (2.5 % of the
 * picture), at 11 places in each scene, lands 0–9 bits away, median 3.
 *
 * | threshold | re-encodes and resizes matched | note pictures merged away |
 * |-----------|--------------------------------|---------------------------|
 * | 0         | 47 %                           | 3 %                       |
 * | 1         | 79 %                           | 12.5 %                    |
 * | 2         | 97 %                           | 40 %                      |
 *
 * 1 is the knee: 2 would catch a few more reposts at the cost of merging most of the notes that 1
 * keeps apart. dHash cannot separate the two cases: a note that changes no cell's brightness
 * order with its right neighbour flips no bit, so no threshold, not even 0, keeps every note
 * picture apart. A match may group reposts of one picture and their findings, but must never
 * stand in for reading a picture whose bytes differ: a new picture is always OCRed.
 */
export const SAME_IMAGE_MAX_DISTANCE = 1;
