/**
 * Hand-built EXIF blocks for metadata tests: sharp writes little-endian only and cannot write
 * non-ASCII or NUL bytes, so the cases it cannot make are built here byte by byte.
 */
// --- A hand-built TIFF block: sharp writes little-endian only, and cannot write non-ASCII or NUL bytes.

export type TiffValue =
  | { type: 'ascii'; bytes: Uint8Array }
  | { type: 'long'; value: number }
  | { type: 'rational'; value: readonly (readonly [number, number])[] };
export type TiffEntries = readonly (readonly [tag: number, value: TiffValue])[];

export const ascii = (text: string | Uint8Array): TiffValue => ({
  type: 'ascii',
  bytes: typeof text === 'string' ? Buffer.from(`${text}\0`, 'latin1') : text,
});
export const rationals = (...value: (readonly [number, number])[]): TiffValue => ({ type: 'rational', value });

/** "Exif\0\0" + a TIFF block with IFD0 and, when given, a GPS IFD that IFD0 points to. */
export function buildExif(isBigEndian: boolean, ifd0: TiffEntries, gps?: TiffEntries): Buffer {
  const ifds: TiffEntries[] = gps === undefined ? [ifd0] : [[...ifd0, [0x8825, { type: 'long', value: 0 }]], gps];
  const ifdSize = (entries: TiffEntries): number => 2 + entries.length * 12 + 4;
  const ifdOffsets = [8];
  for (const entries of ifds.slice(0, -1)) ifdOffsets.push(ifdOffsets.at(-1)! + ifdSize(entries));
  let dataOffset = ifdOffsets.at(-1)! + ifdSize(ifds.at(-1)!);
  if (gps !== undefined) ifds[0] = [...ifd0, [0x8825, { type: 'long', value: ifdOffsets[1]! }]];

  const tiff = Buffer.alloc(4096);
  const u16 = (value: number, at: number): number => (isBigEndian ? tiff.writeUInt16BE(value, at) : tiff.writeUInt16LE(value, at));
  const u32 = (value: number, at: number): number => (isBigEndian ? tiff.writeUInt32BE(value, at) : tiff.writeUInt32LE(value, at));
  tiff.write(isBigEndian ? 'MM' : 'II', 0, 'latin1');
  u16(42, 2);
  u32(8, 4);
  ifds.forEach((entries, index) => {
    const start = ifdOffsets[index]!;
    u16(entries.length, start);
    entries.forEach(([tag, value], entryIndex) => {
      const at = start + 2 + entryIndex * 12;
      u16(tag, at);
      if (value.type === 'long') {
        u16(4, at + 2);
        u32(1, at + 4);
        u32(value.value, at + 8);
      } else if (value.type === 'ascii') {
        u16(2, at + 2);
        u32(value.bytes.length, at + 4);
        if (value.bytes.length <= 4) {
          tiff.set(value.bytes, at + 8);
        } else {
          u32(dataOffset, at + 8);
          tiff.set(value.bytes, dataOffset);
          dataOffset += value.bytes.length;
        }
      } else {
        u16(5, at + 2);
        u32(value.value.length, at + 4);
        u32(dataOffset, at + 8);
        for (const [numerator, denominator] of value.value) {
          u32(numerator, dataOffset);
          u32(denominator, dataOffset + 4);
          dataOffset += 8;
        }
      }
    });
    u32(0, start + 2 + entries.length * 12);
  });
  return Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff.subarray(0, dataOffset)]);
}

/** Puts an EXIF block into a JPEG as the APP1 segment right after the start-of-image marker. */
export function insertApp1(jpeg: Buffer, exif: Buffer): Buffer {
  const marker = Buffer.from([0xff, 0xe1, 0, 0]);
  marker.writeUInt16BE(exif.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), marker, exif, jpeg.subarray(2)]);
}
