import sharp from 'sharp';
import type { SeededRandom } from './ocr-seeded-random.js';

/** A flat thing with text (a page, a board, a badge), drawn as SVG in its own units. */
export interface Surface {
  /** The whole surface, in units. */
  readonly width: number;
  readonly height: number;
  /** The part that holds text, [x, y, width, height] in units: it always ends up inside the photo. */
  readonly content: readonly [number, number, number, number];
  /** Only the top `rasterHeight` units are drawn; below is plain `paper` (saves rendering a blank half page). */
  readonly rasterHeight: number;
  /** The surface colour, RGB 0–255, for the part below the raster. */
  readonly paper: readonly [number, number, number];
  /** The SVG of the top `rasterHeight` units, with a viewBox in units: it is rendered at any scale. */
  readonly svg: string;
}

/** How the photo is taken. Ranges are drawn per photo. */
export interface PhotoSettings {
  /** The photo's size after the platform shrank it: longest side 1080 px. */
  readonly frame: readonly [number, number];
  /** The scene behind and around the surface, an SVG with viewBox `0 0 1000 h` filling the frame. */
  readonly backdrop: string;
  /** What share of the frame the content fills, drawn in [min, max]. */
  readonly fill: readonly [number, number];
  readonly maxRotationDeg: number;
  /** Perspective strength: the far edge is up to this much shorter than the near edge (0.25 = 25 %). */
  readonly maxTilt: number;
  /** Whether the surface casts a shadow on the backdrop (paper on a desk does, a wall sign barely). */
  readonly hasShadow: boolean;
  /** Specular glare on glossy surfaces (whiteboards, badges), 0–1. */
  readonly glare: number;
}

// The scene is drawn 1.25× larger than the photo and shrunk at the end, as a phone's 12 MP photo
// is shrunk by the platform: text edges get the same soft, resampled look.
const OVERSAMPLE = 1.25;
type Matrix = [number, number, number, number, number, number, number, number, number];

/**
 * Photographs a surface: places it at a random angle and perspective on its backdrop, with a
 * shadow, uneven light, glare, sensor noise and blur, shrinks it to `frame`, and encodes a JPEG
 * of the given quality. Deterministic for a given random state.
 */
export async function photographSurface(surface: Surface, settings: PhotoSettings, random: SeededRandom, jpegQuality: number): Promise<Buffer> {
  const [frameWidth, frameHeight] = settings.frame;
  const width = Math.round(frameWidth * OVERSAMPLE);
  const height = Math.round(frameHeight * OVERSAMPLE);
  const { rasterScale: scale, toScene } = placeSurface(surface, settings, random, width, height);
  const rasterWidth = Math.max(1, Math.round(surface.width * scale));
  const rasterHeight = Math.max(1, Math.round(surface.rasterHeight * scale));
  const [backdrop, raster] = await Promise.all([
    // The backdrop has no fine detail: half the resolution, enlarged, costs a quarter of the rendering.
    renderSvg(settings.backdrop, Math.ceil(width / 2), Math.ceil(height / 2), [width, height]),
    renderSvg(surface.svg, rasterWidth, rasterHeight),
  ]);
  // Map scene pixels back to raster pixels: the warp samples the raster at each scene pixel.
  const toRaster = invert(multiply(toScene, [1 / scale, 0, 0, 0, 1 / scale, 0, 0, 0, 1]));
  const scene = Buffer.alloc(width * height * 3);
  const surfaceSize = [surface.width * scale, surface.height * scale] as const;
  warp(scene, width, height, backdrop, raster, rasterWidth, rasterHeight, toRaster, surfaceSize, surface.paper, settings.hasShadow ? Math.round(width * random.range(0.006, 0.014)) : 0);
  light(scene, width, height, random, settings.glare);
  return finish(scene, width, height, settings.frame, random.range(0.5, 1.3), jpegQuality);
}

/**
 * Adds uneven light and sensor noise to a flat scene (no surface), then shrinks and encodes it
 * like a photo. `caption`, an SVG at the frame's size, is laid over the finished photo, crisp, as
 * a meme generator does.
 */
export async function photographScene(backdrop: string, frame: readonly [number, number], random: SeededRandom, jpegQuality: number, caption?: string): Promise<Buffer> {
  // A flat scene has no fine print to resample: draw it at the frame's size.
  const [width, height] = frame;
  const scene = await renderSvg(backdrop, width, height);
  light(scene, width, height, random, random.chance(0.3) ? random.range(0, 0.3) : 0);
  return finish(scene, width, height, frame, random.range(0.3, 0.7), jpegQuality, caption);
}

/** Renders an SVG to raw RGB at exactly `width`×`height` pixels, then optionally resizes it to `size`. */
export async function renderSvg(svg: string, width: number, height: number, size?: readonly [number, number]): Promise<Buffer> {
  const sized = svg.replace(/^<svg /u, `<svg width="${String(width)}" height="${String(height)}" preserveAspectRatio="none" `);
  const image = sharp(Buffer.from(sized)).flatten({ background: '#808080' }).removeAlpha();
  if (size !== undefined) image.resize(size[0], size[1], { fit: 'fill' });
  return image.raw().toBuffer();
}

async function finish(scene: Buffer, width: number, height: number, frame: readonly [number, number], blurSigma: number, jpegQuality: number, overlay?: string): Promise<Buffer> {
  // sharp applies composite after resize, so the overlay is drawn at the frame's size.
  const shrunk = sharp(scene, { raw: { width, height, channels: 3 } }).blur(blurSigma).resize(frame[0], frame[1], { fit: 'fill', kernel: 'lanczos3' });
  if (overlay !== undefined) shrunk.composite([{ input: Buffer.from(overlay), top: 0, left: 0 }]);
  return shrunk.jpeg({ quality: Math.round(jpegQuality) }).toBuffer();
}

/**
 * Picks a rotation, a camera tilt, a scale and a position so that the content lands inside the
 * frame, filling a random share of it. Returns the units → scene homography and the raster scale
 * (pixels per unit) fine enough for the most magnified part of the surface.
 */
function placeSurface(surface: Surface, settings: PhotoSettings, random: SeededRandom, width: number, height: number): { rasterScale: number; toScene: Matrix } {
  const angle = (random.range(-settings.maxRotationDeg, settings.maxRotationDeg) * Math.PI) / 180;
  const [cx, cy, cw, ch] = surface.content;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const rotatedWidth = Math.abs(cw * cos) + Math.abs(ch * sin);
  const rotatedHeight = Math.abs(cw * sin) + Math.abs(ch * cos);
  // A camera not parallel to the desk: the far side of the content comes out shorter, by up to
  // `maxTilt`, mostly top-to-bottom (phones are held above and in front of the page).
  const tiltX = random.range(-1, 1) * settings.maxTilt * 0.4;
  const tiltY = random.range(-1, 1) * settings.maxTilt;
  const tilt: Matrix = [1, 0, 0, 0, 1, 0, (2 * tiltX) / rotatedWidth, (2 * tiltY) / rotatedHeight, 1];
  const rotate: Matrix = [cos, -sin, 0, sin, cos, 0, 0, 0, 1];
  const centreContent: Matrix = [1, 0, -(cx + cw / 2), 0, 1, -(cy + ch / 2), 0, 0, 1];
  const shape = multiply(tilt, multiply(rotate, centreContent));
  const corners = [[cx, cy], [cx + cw, cy], [cx, cy + ch], [cx + cw, cy + ch]].map(([x, y]) => apply(shape, x!, y!));
  const left = Math.min(...corners.map(([x]) => x));
  const right = Math.max(...corners.map(([x]) => x));
  const top = Math.min(...corners.map(([, y]) => y));
  const bottom = Math.max(...corners.map(([, y]) => y));
  const scale = random.range(settings.fill[0], settings.fill[1]) * Math.min(width / (right - left), height / (bottom - top));
  const slackX = width - (right - left) * scale;
  const slackY = height - (bottom - top) * scale;
  const offsetX = random.range(0.15, 0.85) * slackX - left * scale;
  const offsetY = random.range(0.15, 0.85) * slackY - top * scale;
  const toScene = multiply([scale, 0, offsetX, 0, scale, offsetY, 0, 0, 1], shape);
  // The near side is magnified by up to 1 / (1 - tilt): render the raster that fine, so it is never upsampled.
  return { rasterScale: Math.min(3, scale / (1 - Math.abs(tiltX) - Math.abs(tiltY))), toScene };
}

/**
 * Inverse-homography warp with bilinear sampling: each scene pixel inside the surface takes the
 * raster's colour (or the paper's, below the raster); outside, the backdrop's, darkened where
 * the surface's shadow falls. The homography's numerators and denominator are linear in x, so
 * they are stepped along each row instead of recomputed.
 */
function warp(
  scene: Buffer, width: number, height: number, backdrop: Buffer, raster: Buffer, rasterWidth: number, rasterHeight: number,
  toRaster: Matrix, surfaceSize: readonly [number, number], paper: readonly [number, number, number], shadow: number,
): void {
  const [a, b, c, d, e, f, g, h, i] = toRaster;
  const [surfaceWidth, surfaceHeight] = surfaceSize;
  const rowStride = rasterWidth * 3;
  // Light comes from the upper left: the shadow falls down and to the right, softer at its rim.
  const shadowOffsets = [shadow, shadow * 1.8];
  const isOnSurface = (nu: number, nv: number, w: number) => {
    const u = nu / w;
    const v = nv / w;
    return u >= 0 && v >= 0 && u < surfaceWidth && v < surfaceHeight;
  };
  for (let y = 0; y < height; y += 1) {
    const py = y + 0.5;
    let nu = a * 0.5 + b * py + c;
    let nv = d * 0.5 + e * py + f;
    let w = g * 0.5 + h * py + i;
    for (let x = 0, out = y * width * 3; x < width; x += 1, out += 3, nu += a, nv += d, w += g) {
      const u = nu / w - 0.5;
      const v = nv / w - 0.5;
      if (u >= -0.5 && v >= -0.5 && u < surfaceWidth - 0.5 && v < surfaceHeight - 0.5) {
        if (v >= rasterHeight - 1 || u >= rasterWidth - 1) {
          scene[out] = paper[0];
          scene[out + 1] = paper[1];
          scene[out + 2] = paper[2];
          continue;
        }
        const x0 = u < 0 ? 0 : Math.floor(u);
        const y0 = v < 0 ? 0 : Math.floor(v);
        const fx = u < 0 ? 0 : u - x0;
        const fy = v < 0 ? 0 : v - y0;
        const p00 = y0 * rowStride + x0 * 3;
        const p10 = p00 + rowStride;
        const w00 = (1 - fx) * (1 - fy);
        const w01 = fx * (1 - fy);
        const w10 = (1 - fx) * fy;
        const w11 = fx * fy;
        scene[out] = raster[p00]! * w00 + raster[p00 + 3]! * w01 + raster[p10]! * w10 + raster[p10 + 3]! * w11;
        scene[out + 1] = raster[p00 + 1]! * w00 + raster[p00 + 4]! * w01 + raster[p10 + 1]! * w10 + raster[p10 + 4]! * w11;
        scene[out + 2] = raster[p00 + 2]! * w00 + raster[p00 + 5]! * w01 + raster[p10 + 2]! * w10 + raster[p10 + 5]! * w11;
        continue;
      }
      let darken = 1;
      if (shadow > 0) {
        const [near, far] = shadowOffsets as [number, number];
        if (isOnSurface(nu - (a + b) * near, nv - (d + e) * near, w - (g + h) * near)) darken = 0.62;
        else if (isOnSurface(nu - (a + b) * far, nv - (d + e) * far, w - (g + h) * far)) darken = 0.8;
      }
      scene[out] = backdrop[out]! * darken;
      scene[out + 1] = backdrop[out + 1]! * darken;
      scene[out + 2] = backdrop[out + 2]! * darken;
    }
  }
}

/**
 * Lighting gradient, vignette, a warm or cool cast, optional glare, and sensor noise, in place.
 * Every term but the noise is separable in x and y, so it is precomputed per column and row.
 */
function light(scene: Buffer, width: number, height: number, random: SeededRandom, glare: number): void {
  const gradientX = random.range(-0.25, 0.25);
  const gradientY = random.range(-0.25, 0.25);
  const base = random.range(0.85, 1.1);
  const vignette = random.range(0.1, 0.4);
  const [red, green, blue] = random.pick([[1.04, 1, 0.9], [1, 1, 1], [0.95, 1, 1.06], [1.06, 1.01, 0.94]] as const);
  const glareAt = [random.range(0.2, 0.8), random.range(0.15, 0.6)] as const;
  const glareRadius = random.range(0.12, 0.3);
  const noise = random.range(2, 7) * 3.4;
  let state = Math.floor(random.next() * 4_294_967_296) | 1;
  const columnLight = new Float32Array(width);
  const columnGlare = new Float32Array(width);
  for (let x = 0; x < width; x += 1) {
    const nx = x / width - 0.5;
    columnLight[x] = gradientX * nx - vignette * nx * nx;
    const dx = x / width - glareAt[0];
    columnGlare[x] = glare * 255 * Math.exp(-(dx * dx) / (glareRadius * glareRadius));
  }
  // A clamped view rounds and clamps to 0–255 on write, as the camera's ADC would.
  const pixels = new Uint8ClampedArray(scene.buffer, scene.byteOffset, scene.length);
  for (let y = 0; y < height; y += 1) {
    const ny = y / height - 0.5;
    const rowLight = base + gradientY * ny - vignette * ny * ny;
    const dy = y / height - glareAt[1];
    const rowGlare = glare > 0 ? Math.exp(-(dy * dy) / (glareRadius * glareRadius)) : 0;
    for (let x = 0, out = y * width * 3; x < width; x += 1, out += 3) {
      const illumination = rowLight + columnLight[x]!;
      const sheen = rowGlare * columnGlare[x]!;
      // xorshift32, inlined: a method call per pixel would triple the time of this loop.
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      const grain = ((state >>> 0) / 4_294_967_296 - 0.5) * noise;
      pixels[out] = pixels[out]! * illumination * red + sheen + grain;
      pixels[out + 1] = pixels[out + 1]! * illumination * green + sheen + grain;
      pixels[out + 2] = pixels[out + 2]! * illumination * blue + sheen + grain;
    }
  }
}

function multiply(p: Matrix, q: Matrix): Matrix {
  const r = new Array<number>(9).fill(0);
  for (let row = 0; row < 3; row += 1) {
    for (let column = 0; column < 3; column += 1) {
      for (let k = 0; k < 3; k += 1) r[row * 3 + column]! += p[row * 3 + k]! * q[k * 3 + column]!;
    }
  }
  return r as Matrix;
}

function invert([a, b, c, d, e, f, g, h, i]: Matrix): Matrix {
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  return [
    (e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det,
    (f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det,
    (d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det,
  ];
}

function apply(m: Matrix, x: number, y: number): [number, number] {
  const w = m[6] * x + m[7] * y + m[8];
  return [(m[0] * x + m[1] * y + m[2]) / w, (m[3] * x + m[4] * y + m[5]) / w];
}
