import sharp from 'sharp';
import { escapeXml } from '../../bench/ocr-svg-text.js';

/**
 * Renders lines of text as a photo-like image for OCR tests: dark text on paper, optionally rotated
 * onto a desk-coloured background, with a red stamp, as light text on a dark screen, or with EXIF.
 */
export interface TextImageOptions {
  readonly lines: readonly string[];
  readonly width?: number;
  readonly fontSize?: number;
  /** Degrees, clockwise; the page is rotated onto a desk-coloured background. */
  readonly rotate?: number;
  /** Red stamp text, drawn rotated across the page. */
  readonly stamp?: string;
  readonly darkMode?: boolean;
  readonly format?: 'jpeg' | 'png';
  readonly exif?: Record<string, Record<string, string>>;
}


export async function renderTextImage(options: TextImageOptions): Promise<Buffer> {
  const width = options.width ?? 1000;
  const fontSize = options.fontSize ?? 28;
  const lineHeight = Math.round(fontSize * 1.6);
  const height = Math.max(200, options.lines.length * lineHeight + 160);
  const paper = options.darkMode === true ? '#1e1f22' : '#f7f5ef';
  const ink = options.darkMode === true ? '#e6e6e6' : '#161616';
  const text = options.lines
    .map((line, index) => `<text x="60" y="${String(90 + index * lineHeight)}" font-family="DejaVu Sans" font-size="${String(fontSize)}" fill="${ink}">${escapeXml(line)}</text>`)
    .join('');
  const stamp =
    options.stamp === undefined
      ? ''
      : `<text x="${String(width / 2)}" y="${String(height * 0.62)}" text-anchor="middle" font-family="DejaVu Sans" font-weight="bold" font-size="${String(Math.min(56, Math.round((width * 1.3) / options.stamp.length)))}" fill="#c8102e" fill-opacity="0.85" transform="rotate(-14 ${String(width / 2)} ${String(height * 0.62)})">${escapeXml(options.stamp)}</text>`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${String(width)}" height="${String(height)}"><rect width="100%" height="100%" fill="${paper}"/>${text}${stamp}</svg>`;
  let image = sharp(Buffer.from(svg));
  if (options.rotate !== undefined && options.rotate !== 0) {
    const rotated = await image.rotate(options.rotate, { background: '#7b6a55' }).png().toBuffer();
    image = sharp(rotated);
  }
  if (options.exif !== undefined) image = image.withExif(options.exif);
  return options.format === 'png' ? image.png().toBuffer() : image.jpeg({ quality: 85 }).toBuffer();
}
