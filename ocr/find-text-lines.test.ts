import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { renderTextImage } from '../test/support/render-text-image.js';
import { findTextLines } from './find-text-lines.js';

async function layoutOf(image: Buffer) {
  const { data, info } = await sharp(image).greyscale().raw().toBuffer({ resolveWithObject: true });
  const background = await sharp(data, { raw: { width: info.width, height: info.height, channels: 1 } })
    .blur(8)
    .extractChannel(0)
    .raw()
    .toBuffer();
  return findTextLines({ data, width: info.width, height: info.height }, background);
}

const page = ['The quarterly review moved to Thursday', 'Budget owners send their numbers by noon', 'Room 4.12, second floor'];

describe('findTextLines', () => {
  it('finds the lines of a page with their letter height', async () => {
    const layout = await layoutOf(await renderTextImage({ lines: page, fontSize: 28 }));
    expect(layout.lines.length).toBeGreaterThanOrEqual(3);
    expect(layout.letters).toBeGreaterThan(60);
    // DejaVu Sans at 28 px: lower-case letters about 15 px, capitals and ascenders about 21 px.
    expect(layout.letterHeight).toBeGreaterThanOrEqual(13);
    expect(layout.letterHeight).toBeLessThanOrEqual(24);
    expect(Math.abs(layout.angle)).toBeLessThan(1);
  });

  it.each([6, -11])('measures the slope of a page rotated by %d degrees', async (degrees) => {
    const layout = await layoutOf(await renderTextImage({ lines: page, rotate: degrees }));
    expect(layout.angle).toBeGreaterThan(degrees - 1.5);
    expect(layout.angle).toBeLessThan(degrees + 1.5);
  });

  it('finds light text on a dark screen mostly as light lines', async () => {
    const layout = await layoutOf(await renderTextImage({ lines: page, darkMode: true }));
    const lettersIn = (isLight: boolean) => layout.lines.filter((line) => line.isLight === isLight).reduce((sum, line) => sum + line.letters, 0);
    expect(lettersIn(true)).toBeGreaterThan(60);
    expect(lettersIn(true)).toBeGreaterThan(lettersIn(false) * 2);
  });

  it('finds no text in a smooth picture or in noise', async () => {
    const smooth = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#4477aa' } })
      .composite([{ input: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600"><ellipse cx="400" cy="300" rx="250" ry="120" fill="#dd8844"/></svg>') }])
      .png()
      .toBuffer();
    expect((await layoutOf(smooth)).letters).toBe(0);
    const noise = Buffer.alloc(400 * 300 * 3);
    let seed = 7;
    for (let index = 0; index < noise.length; index += 1) {
      seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
      noise[index] = seed >> 23;
    }
    const noisy = await sharp(noise, { raw: { width: 400, height: 300, channels: 3 } }).blur(1.2).png().toBuffer();
    expect((await layoutOf(noisy)).letters).toBeLessThan(6);
  });
});
