import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderTextImage } from '../test/support/render-text-image.js';
import { ImageRejectedError } from './decode-image.js';
import { createOcrEngine, type ExtractedImage, type OcrEngine } from './ocr-engine.js';

const readWords = (result: ExtractedImage) => result.words.map((word) => word.text).join(' ');

describe('createOcrEngine', () => {
  let engine: OcrEngine;
  beforeAll(async () => {
    // The tests draw their pictures from SVG, which the engine's own sharp set-up would refuse.
    engine = await createOcrEngine({ workers: 2, recycleAfter: 3, configureSharp: false });
  }, 60_000);
  afterAll(async () => {
    await engine.close();
  });

  it('reads a page photographed at an angle, and its red stamp at its own angle', async () => {
    const photo = await renderTextImage({
      lines: ['Project Falcon budget review', 'Q3 revenue forecast 12.4 million EUR', 'Launch slips to May 2027'],
      stamp: 'CONFIDENTIAL',
      rotate: 9,
    });
    const result = await engine.extract(photo, 'desk.jpg');
    expect(result.gate.text).toBe(true);
    expect(readWords(result)).toContain('Falcon');
    expect(readWords(result)).toContain('forecast');
    expect(readWords(result)).toContain('CONFIDENTIAL');
  });

  it('gives every confident word a box that lies on ink in the original photo', async () => {
    const photo = await renderTextImage({ lines: ['Internal roadmap for the Osprey programme', 'Owner: Anna Kowalska, hardware team'], rotate: -7, stamp: 'INTERNAL' });
    const result = await engine.extract(photo, 'tilted.jpg');
    const { data, info } = await sharp(photo).raw().toBuffer({ resolveWithObject: true });
    // Black ink, or the red stamp's ink; the desk around the page is neither.
    const isInk = (offset: number) => {
      const [red, green, blue] = [data[offset] ?? 0, data[offset + 1] ?? 0, data[offset + 2] ?? 0];
      return red + green + blue < 270 || red - Math.max(green, blue) > 60;
    };
    const confident = result.words.filter((word) => word.confidence > 80 && word.text.length >= 4);
    expect(confident.length).toBeGreaterThanOrEqual(6);
    for (const { box, text } of confident) {
      const [x, y, width, height] = box;
      let ink = 0;
      for (let row = y; row < y + height; row += 1) for (let column = x; column < x + width; column += 1) if (isInk((row * info.width + column) * info.channels)) ink += 1;
      expect({ text, inkShare: ink / (width * height) > 0.04 }).toEqual({ text, inkShare: true });
    }
  });

  it('reads light text on a dark screen', async () => {
    const screenshot = await renderTextImage({ lines: ['deploy token rotated for prod-db-07', 'ssh admin@build.corvina.internal'], darkMode: true, format: 'png' });
    const result = await engine.extract(screenshot, 'screen.png');
    expect(result.format).toBe('png');
    expect(readWords(result)).toContain('rotated');
    expect(result.text).toContain('build.corvina.internal');
  });

  it('reads Greek capitals as Greek, not as their Cyrillic look-alikes', async () => {
    const page = await renderTextImage({ lines: ['ΑΠΟΡΡΗΤΟ έγγραφο', 'για εσωτερική χρήση μόνο', 'Προϋπολογισμός έργου'] });
    expect(readWords(await engine.extract(page, 'greek.jpg'))).toContain('ΑΠΟΡΡΗΤΟ');
  });

  it('skips OCR for a picture without text and says so', async () => {
    const landscape = await sharp({ create: { width: 900, height: 600, channels: 3, background: '#88aadd' } })
      .composite([{ input: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="900" height="600"><circle cx="300" cy="380" r="160" fill="#3c6e2f"/><rect y="450" width="900" height="150" fill="#6b5a3a"/></svg>') }])
      .jpeg()
      .toBuffer();
    const result = await engine.extract(landscape, 'landscape.jpg');
    expect(result.gate).toEqual({ text: false, score: expect.any(Number) as number });
    expect(result.words).toEqual([]);
    expect(result.hash).toMatch(/^[0-9a-f]{16}$/u);
  });

  it('reads a picture posted again (re-encoded and resized) only once, with boxes scaled to the copy', async () => {
    const original = await renderTextImage({ lines: ['Badge 4471-220 Corvina Robotics', 'Visitor pass for the Gdansk plant'] });
    const first = await engine.extract(original, 'first.jpg');
    const metadata = await sharp(original).metadata();
    const copy = await sharp(original).resize(Math.round(metadata.width * 0.8)).jpeg({ quality: 70 }).toBuffer();
    const second = await engine.extract(copy, 'again.jpg');
    expect(second.duplicateOf).toBe('first.jpg');
    expect(second.timingsMs.ocr).toBe(0);
    expect(second.text).toBe(first.text);
    expect(second.words[0]?.box[0]).toBe(Math.round((first.words[0]?.box[0] ?? 0) * (second.width / first.width)));
  });

  it('reads again a picture that differs only by a small sticky note, because the note may be the leak', async () => {
    const desk = await sharp({ create: { width: 900, height: 600, channels: 3, background: '#8a6f4e' } })
      .composite([{ input: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="900" height="600"><rect x="80" y="60" width="520" height="360" fill="#222"/><rect x="96" y="76" width="488" height="300" fill="#3a6ea5"/><circle cx="740" cy="420" r="70" fill="#ddd"/></svg>') }])
      .jpeg()
      .toBuffer();
    const withNote = await sharp(desk)
      .composite([{ input: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="150" height="110"><rect width="150" height="110" fill="#fff27a"/><text x="10" y="45" font-family="DejaVu Sans" font-size="20" fill="#111">wifi pass</text><text x="10" y="80" font-family="DejaVu Sans" font-size="20" fill="#111">Kestrel-77</text></svg>'), left: 640, top: 60 }])
      .jpeg()
      .toBuffer();
    await engine.extract(desk, 'desk-plain.jpg');
    const second = await engine.extract(withNote, 'desk-note.jpg');
    expect(second.duplicateOf).toBeUndefined();
    expect(second.text).toContain('Kestrel-77');
  });

  it('returns the GPS position, capture time and camera from EXIF', async () => {
    const photo = await renderTextImage({
      lines: ['Lab 3 whiteboard notes'],
      exif: {
        IFD0: { Make: 'Pixel', Model: 'Pixel 8' },
        IFD2: { DateTimeOriginal: '2026:05:01 14:03:22' },
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '52/1 13/1 3000/100', GPSLongitudeRef: 'W', GPSLongitude: '21/1 30/1 0/1' },
      },
    });
    const result = await engine.extract(photo, 'exif.jpg');
    expect(result.metadata).toMatchObject({ camera: 'Pixel 8', takenAt: '2026-05-01T14:03:22' });
    expect(result.metadata.gps?.[0]).toBeCloseTo(52.225, 3);
    expect(result.metadata.gps?.[1]).toBeCloseTo(-21.5, 3);
  });

  it('reads a large picture shrunk, and gives its boxes in the original pixels', async () => {
    const small = await createOcrEngine({ workers: 1, configureSharp: false, maxWorkingPixels: 400_000 });
    try {
      const poster = await renderTextImage({ lines: ['Quarterly board review', 'Revenue forecast 12.4 million EUR'], width: 1800, fontSize: 56 });
      const { width, height } = await sharp(poster).metadata();
      const result = await small.extract(poster, 'poster.jpg');
      expect([result.width, result.height]).toEqual([width, height]);
      // The same poster read at full size (the shared engine does not shrink it) puts the word in the same place.
      const fullSize = await engine.extract(poster, 'poster-full.jpg');
      const boxOf = (read: ExtractedImage) => read.words.find((word) => word.text === 'forecast')?.box ?? [0, 0, 0, 0];
      const [shrunk, full] = [boxOf(result), boxOf(fullSize)];
      expect(full[2]).toBeGreaterThan(100);
      shrunk.forEach((value, index) => {
        expect(Math.abs(value - (full[index] ?? 0))).toBeLessThan(Math.max(8, (full[index] ?? 0) * 0.06));
      });
    } finally {
      await small.close();
    }
  });

  // Six lines: enough letters (150) for the engine to read a sample before the page.
  it('with chooseLanguage, reads a page in the language a sample of its lines shows', async () => {
    const choosing = await createOcrEngine({ workers: 1, configureSharp: false, chooseLanguage: true });
    try {
      const page = await renderTextImage({
        lines: ['Строго конфиденциально: бюджет проекта', 'Команда пришлёт обновлённый план после', 'совещания в пятницу, цифры предварительные', 'Затверждённый бюджет составляет 4 200 000 EUR', 'Риски ведутся в реестре и пересматриваются', 'ежемесячно, ответственные указаны в таблице'],
      });
      const result = await choosing.extract(page, 'ru.jpg');
      expect(result.text).toContain('конфиденциально');
      expect(result.text).toContain('4 200 000 EUR');
    } finally {
      await choosing.close();
    }
  });

  it('rejects a damaged file with a reason and keeps reading the next image', async () => {
    const page = await renderTextImage({ lines: ['Quarterly numbers, draft 3'] });
    const rejection = await engine.extract(page.subarray(0, page.length / 3), 'cut.jpg').catch((error: unknown) => error);
    expect(rejection).toBeInstanceOf(ImageRejectedError);
    expect((rejection as ImageRejectedError).message).toContain('cut.jpg');
    await expect(engine.extract(new Uint8Array(0), 'empty.jpg')).rejects.toMatchObject({ reason: 'empty' });
    expect(readWords(await engine.extract(page, 'after.jpg'))).toContain('Quarterly');
  });
});
