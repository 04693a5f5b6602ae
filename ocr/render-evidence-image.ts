import sharp from 'sharp';
import { decodeImage, type ImageLimits } from './decode-image.js';

/** How an evidence image is shown: blurred until revealed, with the evidence box outlined. */
export interface EvidenceImageOptions {
  /** True for everyone who has not revealed the evidence: the whole image is blurred beyond reading. */
  blur: boolean;
  /** The evidence box [x, y, width, height] in pixels of the upright image (after EXIF orientation). */
  box?: readonly [number, number, number, number] | undefined;
  /** Bounds on the stored bytes; EVIDENCE_IMAGE_LIMITS by default. */
  limits?: ImageLimits | undefined;
}

/** The default bounds for a stored image: the OCR stage's defaults (20 MiB, 40 megapixels), 10 s. */
export const EVIDENCE_IMAGE_LIMITS: ImageLimits = { maxBytes: 20_971_520, maxPixels: 40_000_000, timeoutMs: 10_000 };

/** The outline's colour: a magenta that photos and screenshots rarely contain. */
export const OUTLINE_RGB: readonly [number, number, number] = [255, 0, 200];

// The blur is done on a copy shrunk to this many pixels on its longest side and scaled back:
// the same look as a Gaussian blur of radius longest-side/20 on the full image, at a fraction of the cost.
const BLUR_GRID_PX = 64;
const BLUR_SIGMA_ON_GRID = 2.5;

/**
 * Renders a stored evidence image as PNG, the same size as the upright original: blurred (strongly,
 * over the whole image) or as is, with the evidence box outlined just outside its edges so the
 * evidence itself is not covered. The bytes are decoded with `decodeImage`'s limits and checks;
 * throws its ImageRejectedError for bytes it refuses.
 */
export async function renderEvidenceImage(bytes: Uint8Array, options: EvidenceImageOptions): Promise<Buffer> {
  const image = await decodeImage(bytes, options.limits ?? EVIDENCE_IMAGE_LIMITS, 'the evidence image');
  const { width, height } = image;
  const raw = { width, height, channels: 3 as const };
  const pixels = options.blur ? await blurred(image.rgb, width, height) : Buffer.from(image.rgb);
  if (options.box) outline(pixels, width, height, options.box);
  return sharp(pixels, { raw }).png().toBuffer();
}

async function blurred(rgb: Buffer, width: number, height: number): Promise<Buffer> {
  const scale = Math.min(1, BLUR_GRID_PX / Math.max(width, height));
  const small = await sharp(rgb, { raw: { width, height, channels: 3 } })
    .resize(Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale)), { kernel: 'cubic', fit: 'fill' })
    .blur(BLUR_SIGMA_ON_GRID)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return sharp(small.data, { raw: { width: small.info.width, height: small.info.height, channels: 3 } })
    .resize(width, height, { kernel: 'cubic', fit: 'fill' })
    .removeAlpha()
    .raw()
    .toBuffer();
}

/** Draws a rectangle `thickness` pixels wide around the box, clipped to the image. */
function outline(pixels: Buffer, width: number, height: number, box: readonly [number, number, number, number]): void {
  const thickness = Math.max(2, Math.round(Math.min(width, height) / 200));
  const [x, y, w, h] = box.map((value) => Math.round(value)) as [number, number, number, number];
  const left = x - thickness;
  const top = y - thickness;
  const right = x + w + thickness; // exclusive
  const bottom = y + h + thickness; // exclusive
  fill(pixels, width, height, left, top, right, y); // top band
  fill(pixels, width, height, left, y + h, right, bottom); // bottom band
  fill(pixels, width, height, left, y, x, y + h); // left band
  fill(pixels, width, height, x + w, y, right, y + h); // right band
}

function fill(pixels: Buffer, width: number, height: number, x0: number, y0: number, x1: number, y1: number): void {
  const [red, green, blue] = OUTLINE_RGB;
  for (let row = Math.max(0, y0); row < Math.min(height, y1); row += 1) {
    for (let column = Math.max(0, x0); column < Math.min(width, x1); column += 1) {
      const offset = (row * width + column) * 3;
      pixels[offset] = red;
      pixels[offset + 1] = green;
      pixels[offset + 2] = blue;
    }
  }
}
