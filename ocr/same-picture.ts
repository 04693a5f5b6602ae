import sharp from 'sharp';
import { hammingDistance } from './perceptual-hash.js';

/**
 * Decides whether a new image is a picture already read (a re-post, re-encoded or resized by
 * another platform), so its OCR can be reused. The dHash alone cannot decide it: a desk photo with
 * a sticky note added can be as few bits away as a re-encode of it, and merging those would drop
 * exactly the leak we look for. So the hash only nominates candidates (a few bits apart), and a
 * 64×64 thumbnail settles it: a re-encode or resize changes every 4×4 block a little, an added note
 * or paper changes a few blocks a lot.
 */

/** dHash bits apart for a candidate; the thumbnail check keeps this from merging changed pictures. */
const CANDIDATE_MAX_DISTANCE = 4;
const THUMBNAIL_SIDE = 64;
const BLOCK_SIDE = 4;
/** Mean gray-level difference within a block beyond which the block has changed. */
const BLOCK_CHANGED = 18;

export interface PictureFingerprint {
  readonly hash: string;
  readonly thumbnail: Uint8Array;
}

export async function pictureThumbnail(rgb: Buffer, width: number, height: number): Promise<Uint8Array> {
  return sharp(rgb, { raw: { width, height, channels: 3 } })
    .grayscale()
    .resize(THUMBNAIL_SIDE, THUMBNAIL_SIDE, { fit: 'fill', kernel: 'lanczos3' })
    .extractChannel(0)
    .raw()
    .toBuffer();
}

export function isSamePicture(a: PictureFingerprint, b: PictureFingerprint): boolean {
  if (hammingDistance(a.hash, b.hash) > CANDIDATE_MAX_DISTANCE) return false;
  for (let blockRow = 0; blockRow < THUMBNAIL_SIDE; blockRow += BLOCK_SIDE) {
    for (let blockColumn = 0; blockColumn < THUMBNAIL_SIDE; blockColumn += BLOCK_SIDE) {
      let difference = 0;
      for (let row = blockRow; row < blockRow + BLOCK_SIDE; row += 1) {
        for (let column = blockColumn; column < blockColumn + BLOCK_SIDE; column += 1) {
          const index = row * THUMBNAIL_SIDE + column;
          difference += Math.abs((a.thumbnail[index] ?? 0) - (b.thumbnail[index] ?? 0));
        }
      }
      if (difference / (BLOCK_SIDE * BLOCK_SIDE) > BLOCK_CHANGED) return false;
    }
  }
  return true;
}
