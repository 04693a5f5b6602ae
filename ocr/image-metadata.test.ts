import sharp, { type Exif } from 'sharp';
import { describe, expect, it } from 'vitest';
import { ascii, buildExif, insertApp1, rationals } from '../test/support/build-exif.js';
import { seededRandom } from '../test/support/seeded-random.js';
import { readImageMetadata, type ImageMetadata } from './image-metadata.js';

/** The EXIF block sharp gives back for a small JPEG it wrote with `exif`, as the OCR stage reads it. */
async function exifWrittenBySharp(exif: Exif): Promise<Buffer> {
  const jpeg = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#808080' } })
    .withExif(exif)
    .jpeg()
    .toBuffer();
  const { exif: block } = await sharp(jpeg).metadata();
  if (block === undefined) throw new Error('sharp wrote no EXIF block');
  return block;
}

async function metadataOf(exif: Exif): Promise<ImageMetadata> {
  return readImageMetadata(await exifWrittenBySharp(exif));
}

// 51°30'26.4"N 0°07'39.6"W, central London, as a camera writes it.
const LONDON_LATITUDE = '51/1 30/1 264/10';
const LONDON_LONGITUDE = '0/1 7/1 396/10';
const LONDON = [51 + 30 / 60 + 26.4 / 3600, 7 / 60 + 39.6 / 3600] as const;

function expectWellFormed(metadata: ImageMetadata): void {
  expect(Object.keys(metadata).every((key) => ['gps', 'takenAt', 'camera'].includes(key))).toBe(true);
  if (metadata.gps !== undefined) {
    const [latitude, longitude] = metadata.gps;
    expect(Math.abs(latitude)).toBeLessThanOrEqual(90);
    expect(Math.abs(longitude)).toBeLessThanOrEqual(180);
  }
  if (metadata.takenAt !== undefined) {
    expect(metadata.takenAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}([+-]\d{2}:\d{2})?$/);
  }
  if (metadata.camera !== undefined) {
    expect(Array.from(metadata.camera).length).toBeLessThanOrEqual(100);
    expect(metadata.camera).not.toMatch(/[\p{Cc}\p{Cf}]/u);
  }
}

describe('readImageMetadata', () => {
  describe('gps', () => {
    it('reads a northern, eastern position as positive decimal degrees', async () => {
      const metadata = await metadataOf({
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: LONDON_LATITUDE, GPSLongitudeRef: 'E', GPSLongitude: LONDON_LONGITUDE },
      });
      expect(metadata.gps?.[0]).toBeCloseTo(LONDON[0], 9);
      expect(metadata.gps?.[1]).toBeCloseTo(LONDON[1], 9);
    });

    it.each([
      ['S', 'W', -1, -1],
      ['N', 'W', 1, -1],
      ['S', 'E', -1, 1],
    ])('signs a %s/%s position by its reference letters', async (latitudeRef, longitudeRef, latitudeSign, longitudeSign) => {
      const metadata = await metadataOf({
        IFD3: {
          GPSLatitudeRef: latitudeRef,
          GPSLatitude: LONDON_LATITUDE,
          GPSLongitudeRef: longitudeRef,
          GPSLongitude: LONDON_LONGITUDE,
        },
      });
      expect(metadata.gps?.[0]).toBeCloseTo(latitudeSign * LONDON[0], 9);
      expect(metadata.gps?.[1]).toBeCloseTo(longitudeSign * LONDON[1], 9);
    });

    it('reads a position without reference letters as north and east, as ExifTool does', async () => {
      const metadata = await metadataOf({ IFD3: { GPSLatitude: LONDON_LATITUDE, GPSLongitude: LONDON_LONGITUDE } });
      expect(metadata.gps?.[0]).toBeCloseTo(LONDON[0], 9);
      expect(metadata.gps?.[1]).toBeCloseTo(LONDON[1], 9);
    });

    it('drops a position whose reference letter is neither N nor S', async () => {
      const metadata = await metadataOf({
        IFD3: { GPSLatitudeRef: 'X', GPSLatitude: LONDON_LATITUDE, GPSLongitudeRef: 'E', GPSLongitude: LONDON_LONGITUDE },
      });
      expect(metadata).toEqual({});
    });

    it('drops a position with a 0/0 rational in it', async () => {
      const metadata = await metadataOf({
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 0/0 0/1', GPSLongitudeRef: 'E', GPSLongitude: LONDON_LONGITUDE },
      });
      expect(metadata).toEqual({});
    });

    it('drops a latitude beyond 90 degrees', async () => {
      const metadata = await metadataOf({
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '90/1 0/1 1/1', GPSLongitudeRef: 'E', GPSLongitude: LONDON_LONGITUDE },
      });
      expect(metadata).toEqual({});
    });

    it('keeps a latitude of exactly 90 degrees, the North Pole', async () => {
      const metadata = await metadataOf({
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '90/1 0/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: LONDON_LONGITUDE },
      });
      expect(metadata.gps?.[0]).toBe(90);
    });

    it('drops a longitude whose minutes reach 60', async () => {
      const metadata = await metadataOf({
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: LONDON_LATITUDE, GPSLongitudeRef: 'E', GPSLongitude: '0/1 60/1 0/1' },
      });
      expect(metadata).toEqual({});
    });

    it('drops the 0, 0 position that devices write without a fix', async () => {
      const metadata = await metadataOf({
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '0/1 0/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '0/1 0/1 0/1' },
      });
      expect(metadata).toEqual({});
    });

    it('keeps a position on the equator away from 0, 0', async () => {
      const metadata = await metadataOf({
        IFD3: { GPSLatitudeRef: 'S', GPSLatitude: '0/1 0/1 0/1', GPSLongitudeRef: 'W', GPSLongitude: '78/1 30/1 0/1' },
      });
      expect(metadata.gps).toEqual([0, -78.5]);
    });

    it('drops a latitude that has no longitude', async () => {
      const metadata = await metadataOf({ IFD3: { GPSLatitudeRef: 'N', GPSLatitude: LONDON_LATITUDE } });
      expect(metadata).toEqual({});
    });
  });

  describe('takenAt', () => {
    it('gives DateTimeOriginal with its OffsetTimeOriginal', async () => {
      const metadata = await metadataOf({
        IFD2: { DateTimeOriginal: '2024:05:01 14:03:22', OffsetTimeOriginal: '+02:00' },
      });
      expect(metadata.takenAt).toBe('2024-05-01T14:03:22+02:00');
    });

    it('gives DateTimeOriginal without a zone when no offset is recorded', async () => {
      const metadata = await metadataOf({ IFD2: { DateTimeOriginal: '2024:05:01 14:03:22' } });
      expect(metadata.takenAt).toBe('2024-05-01T14:03:22');
    });

    it('prefers DateTimeOriginal to DateTime, which editors rewrite', async () => {
      const metadata = await metadataOf({
        IFD0: { DateTime: '2025:01:01 00:00:00' },
        IFD2: { DateTimeOriginal: '2024:05:01 14:03:22' },
      });
      expect(metadata.takenAt).toBe('2024-05-01T14:03:22');
    });

    it('falls back to DateTime with its own OffsetTime, never OffsetTimeOriginal', async () => {
      const metadata = await metadataOf({
        IFD0: { DateTime: '2023:12:31 23:59:59' },
        IFD2: { OffsetTime: '-05:00', OffsetTimeOriginal: '+09:00' },
      });
      expect(metadata.takenAt).toBe('2023-12-31T23:59:59-05:00');
    });

    it('leaves out an offset that is not ±HH:MM', async () => {
      const metadata = await metadataOf({
        IFD2: { DateTimeOriginal: '2024:05:01 14:03:22', OffsetTimeOriginal: '  :  ' },
      });
      expect(metadata.takenAt).toBe('2024-05-01T14:03:22');
    });

    it('leaves out the 0000:00:00 00:00:00 placeholder for an unknown date', async () => {
      const metadata = await metadataOf({ IFD2: { DateTimeOriginal: '0000:00:00 00:00:00' } });
      expect(metadata).toEqual({});
    });

    it('leaves out a date that is not in EXIF form', async () => {
      const metadata = await metadataOf({ IFD2: { DateTimeOriginal: '2024-05-01T14:03:22' } });
      expect(metadata).toEqual({});
    });
  });

  describe('camera', () => {
    it('joins Make and Model', async () => {
      const metadata = await metadataOf({ IFD0: { Make: 'Apple', Model: 'iPhone 15 Pro' } });
      expect(metadata.camera).toBe('Apple iPhone 15 Pro');
    });

    it('gives Model alone when it already starts with Make, in any case', async () => {
      const metadata = await metadataOf({ IFD0: { Make: 'CANON', Model: 'Canon EOS R5' } });
      expect(metadata.camera).toBe('Canon EOS R5');
    });

    it('keeps Make when Model only contains it later on', async () => {
      // Not "ILCE-7M4 (Sony)": libvips reads a trailing "(…)" as its own annotation and drops it.
      const metadata = await metadataOf({ IFD0: { Make: 'Sony', Model: 'ILCE-7M4 by Sony' } });
      expect(metadata.camera).toBe('Sony ILCE-7M4 by Sony');
    });

    it('gives Make alone when there is no Model, and Model alone when there is no Make', async () => {
      expect((await metadataOf({ IFD0: { Make: ' Google ' } })).camera).toBe('Google');
      expect((await metadataOf({ IFD0: { Model: 'Pixel 8' } })).camera).toBe('Pixel 8');
    });

    it('removes control characters and collapses whitespace', async () => {
      const metadata = await metadataOf({ IFD0: { Make: ' Can\ton\u0007 ', Model: 'EOS\r\n  R5\u001b[2J' } });
      expect(metadata.camera).toBe('Can on EOS R5[2J');
    });

    it('caps the camera at 100 characters', async () => {
      const metadata = await metadataOf({ IFD0: { Make: 'M'.repeat(60), Model: 'X'.repeat(60) } });
      expect(metadata.camera).toBe(`${'M'.repeat(60)} ${'X'.repeat(39)}`);
    });

    it('leaves out a camera that is only whitespace and control characters', async () => {
      const metadata = await metadataOf({ IFD0: { Make: ' \t ', Model: '\u0001' } });
      expect(metadata).toEqual({});
    });

    it('decodes UTF-8, ends at the first NUL and drops bidi overrides', () => {
      const model = Buffer.concat([Buffer.from('Škoda\u202Ecam\0garbage', 'utf8'), Buffer.from([0])]);
      const metadata = readImageMetadata(buildExif(false, [[0x0110, ascii(model)]]));
      expect(metadata).toEqual({ camera: 'Škodacam' });
    });
  });

  it.each([
    ['little', false],
    ['big', true],
  ])('reads a hand-built %s-endian block from a JPEG APP1 segment', async (_endian, isBigEndian) => {
    const exif = buildExif(
      isBigEndian,
      [
        [0x010f, ascii('NIKON CORPORATION')],
        [0x0110, ascii('NIKON Z 6')],
        [0x0132, ascii('2022:08:14 09:15:00')],
      ],
      [
        [0x0001, ascii('S')],
        [0x0002, rationals([33, 1], [51, 1], [5400, 100])],
        [0x0003, ascii('E')],
        [0x0004, rationals([151, 1], [12, 1], [3000, 100])],
      ],
    );
    const plain = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#808080' } }).jpeg().toBuffer();
    const { exif: block } = await sharp(insertApp1(plain, exif)).metadata();

    const metadata = readImageMetadata(block);

    expect(metadata.camera).toBe('NIKON CORPORATION NIKON Z 6');
    expect(metadata.takenAt).toBe('2022-08-14T09:15:00');
    expect(metadata.gps?.[0]).toBeCloseTo(-(33 + 51 / 60 + 54 / 3600), 9);
    expect(metadata.gps?.[1]).toBeCloseTo(151 + 12 / 60 + 30 / 3600, 9);
  });

  it('returns {} for a photo without EXIF', async () => {
    const plain = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#808080' } }).jpeg().toBuffer();
    const { exif } = await sharp(plain).metadata();
    expect(exif).toBeUndefined();
    expect(readImageMetadata(exif)).toEqual({});
  });

  it.each([
    ['an empty buffer', Buffer.alloc(0)],
    ['text', Buffer.from('not an exif block')],
    ['a bare header', Buffer.from('Exif\0\0II*\0', 'latin1')],
    ['an IFD offset past the end', Buffer.from('Exif\0\0MM\0*\xff\xff\xff\xff', 'latin1')],
  ])('returns {} for %s', (_name, exif) => {
    expect(readImageMetadata(exif)).toEqual({});
  });

  it('returns {} for a block whose value counts would make the parser decode gigabytes', () => {
    // 5,000 entries, each claiming 2³² bytes at the same offset: exif-reader alone would build
    // about 300 million numbers from these 64 KiB.
    const tiff = Buffer.alloc(65_000);
    tiff.write('II*\0', 0, 'latin1');
    tiff.writeUInt32LE(8, 4);
    tiff.writeUInt16LE(5000, 8);
    for (let entry = 0; entry < 5000; entry++) {
      const at = 10 + entry * 12;
      tiff.writeUInt16LE(0x1000 + entry, at);
      tiff.writeUInt16LE(1, at + 2);
      tiff.writeUInt32LE(0xffff_ffff, at + 4);
      tiff.writeUInt32LE(8, at + 8);
    }
    expect(readImageMetadata(tiff)).toEqual({});
  });

  it('never throws on truncated, bit-flipped or random blocks (fixed-seed fuzz)', async () => {
    const written = await exifWrittenBySharp({
      IFD0: { Make: 'Canon', Model: 'Canon EOS R5', DateTime: '2024:05:01 14:03:22' },
      IFD2: { DateTimeOriginal: '2024:05:01 14:03:22', OffsetTimeOriginal: '+02:00' },
      IFD3: { GPSLatitudeRef: 'S', GPSLatitude: LONDON_LATITUDE, GPSLongitudeRef: 'W', GPSLongitude: LONDON_LONGITUDE },
    });
    const handBuilt = buildExif(
      true,
      [[0x010f, ascii('Fujifilm')], [0x0110, ascii('X-T5')]],
      [[0x0001, ascii('N')], [0x0002, rationals([1, 1], [2, 1], [3, 1])], [0x0003, ascii('W')], [0x0004, rationals([4, 1], [5, 1], [6, 1])]],
    );
    expect(readImageMetadata(written).gps).toBeDefined();
    expect(readImageMetadata(handBuilt).gps).toBeDefined();

    const random = seededRandom(0x5eed);
    const randomInt = (below: number): number => Math.floor(random() * below);
    for (let iteration = 0; iteration < 800; iteration++) {
      const base = iteration % 2 === 0 ? written : handBuilt;
      let fuzzed: Buffer;
      switch (iteration % 4) {
        case 0:
          fuzzed = Buffer.from(base.subarray(0, randomInt(base.length)));
          break;
        case 1: {
          fuzzed = Buffer.from(base);
          for (let flip = 1 + randomInt(16); flip > 0; flip--) {
            const at = randomInt(fuzzed.length);
            fuzzed[at] = fuzzed[at]! ^ (1 << randomInt(8));
          }
          break;
        }
        case 2: {
          // A valid header in front of random bytes reaches the IFD walk instead of failing at once.
          const body = Buffer.from(Array.from({ length: randomInt(600) }, () => randomInt(256)));
          fuzzed = Buffer.concat([Buffer.from(random() < 0.5 ? 'Exif\0\0II*\0' : 'Exif\0\0MM\0*', 'latin1'), body]);
          break;
        }
        default: {
          fuzzed = Buffer.from(base);
          const start = randomInt(fuzzed.length);
          for (let at = start; at < Math.min(fuzzed.length, start + 1 + randomInt(32)); at++) fuzzed[at] = randomInt(256);
        }
      }
      let metadata: ImageMetadata | undefined;
      expect(() => (metadata = readImageMetadata(fuzzed)), `iteration ${iteration}`).not.toThrow();
      expectWellFormed(metadata!);
    }
  });
});
