import exifReader from 'exif-reader';

/** What a photo's EXIF block says about where, when and with what it was taken; every field is optional. */
export interface ImageMetadata {
  /**
   * [latitude, longitude] in signed decimal degrees (south and west negative); absent when the
   * tags are missing, damaged or out of range, or read exactly 0, 0.
   */
  gps?: [number, number];
  /**
   * The wall-clock time the photo was taken, ISO 8601 without fractions ("2024-05-01T14:03:22"),
   * with the camera's UTC offset appended ("+02:00") only when the EXIF block records one.
   */
  takenAt?: string;
  /** "Make Model" of the camera, trimmed and cleaned of control characters, at most 100 characters. */
  camera?: string;
}

/**
 * Reads GPS position, capture time and camera from a raw EXIF block (as sharp's `metadata().exif`
 * gives it, with or without the "Exif\0\0" header). Never throws: EXIF is written by whoever
 * posted the picture, so a damaged, hostile or absent block gives `{}` and a damaged field is left out.
 */
export function readImageMetadata(exif: Buffer | undefined): ImageMetadata {
  if (exif === undefined || exif.length === 0) return {};
  try {
    if (!isCheapToDecode(exif)) return {};
    const tags: unknown = exifReader(exif);
    if (!isRecord(tags)) return {};
    const image = recordOrEmpty(tags.Image);
    const photo = recordOrEmpty(tags.Photo);
    const gpsInfo = recordOrEmpty(tags.GPSInfo);

    const metadata: ImageMetadata = {};
    const gps = readGps(gpsInfo);
    if (gps !== undefined) metadata.gps = gps;
    const takenAt = readTakenAt(image, photo);
    if (takenAt !== undefined) metadata.takenAt = takenAt;
    const camera = readCamera(image);
    if (camera !== undefined) metadata.camera = camera;
    return metadata;
  } catch {
    // exif-reader throws on a bad header and on reads past the end of a truncated block.
    return {};
  }
}

type TagRecord = Record<string, unknown>;

function isRecord(value: unknown): value is TagRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

/** exif-reader leaves an IFD it could not read as null, or out of the result altogether. */
function recordOrEmpty(value: unknown): TagRecord {
  return isRecord(value) ? value : {};
}

// --- GPS ---------------------------------------------------------------------------------------

function readGps(gpsInfo: TagRecord): [number, number] | undefined {
  const latitude = readCoordinate(gpsInfo.GPSLatitude, gpsInfo.GPSLatitudeRef, 'N', 'S', 90);
  const longitude = readCoordinate(gpsInfo.GPSLongitude, gpsInfo.GPSLongitudeRef, 'E', 'W', 180);
  if (latitude === undefined || longitude === undefined) return undefined;
  // Devices without a fix often write 0/0; nothing real is at exactly 0, 0.
  if (latitude === 0 && longitude === 0) return undefined;
  return [latitude, longitude];
}

/**
 * Degrees/minutes/seconds (three rationals; a 0/0 one reads as NaN) to signed decimal degrees.
 * A missing reference counts as N or E, as ExifTool reads it: the position is then right in the
 * northern and eastern hemispheres, where most of our users are, and a mirrored position cannot
 * fall inside a restricted site more easily than any other. A reference that is present but is
 * not one of the two letters marks a damaged tag, and the coordinate is dropped.
 */
function readCoordinate(
  value: unknown,
  ref: unknown,
  positiveRef: string,
  negativeRef: string,
  maxDegrees: number,
): number | undefined {
  if (!Array.isArray(value) || value.length !== 3) return undefined;
  const [degrees, minutes, seconds] = value as unknown[];
  if (!isNonNegativeNumber(degrees) || !isNonNegativeNumber(minutes) || !isNonNegativeNumber(seconds)) {
    return undefined;
  }
  if (minutes >= 60 || seconds >= 60) return undefined;
  const magnitude = degrees + minutes / 60 + seconds / 3600;
  if (magnitude > maxDegrees) return undefined;

  let sign = 1;
  if (ref !== undefined && ref !== null) {
    const letter = typeof ref === 'string' ? ref.trim().toUpperCase() : '';
    if (letter === negativeRef) sign = -1;
    else if (letter !== positiveRef) return undefined;
  }
  // `+ 0` turns -0 (a southern 0°) into 0 so that equality and JSON stay simple.
  return sign * magnitude + 0;
}

function isNonNegativeNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

// --- Capture time ------------------------------------------------------------------------------

const UTC_OFFSET = /^[+-](\d{2}):(\d{2})$/;

/**
 * exif-reader turns "YYYY:MM:DD HH:MM:SS" into a Date whose UTC fields are the camera's wall
 * clock, so the ISO string of those fields is the local time as the camera showed it. Each time
 * is paired with its own offset tag (DateTimeOriginal with OffsetTimeOriginal, DateTime with
 * OffsetTime): an offset never describes the other clock.
 */
function readTakenAt(image: TagRecord, photo: TagRecord): string | undefined {
  const original = formatWallClock(photo.DateTimeOriginal);
  if (original !== undefined) return original + formatOffset(photo.OffsetTimeOriginal);
  const modified = formatWallClock(image.DateTime);
  if (modified !== undefined) return modified + formatOffset(photo.OffsetTime);
  return undefined;
}

function formatWallClock(value: unknown): string | undefined {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) return undefined;
  const year = value.getUTCFullYear();
  // Date.UTC maps years 0–99 to 1900–1999, so the common "0000:00:00 00:00:00" placeholder for
  // "unknown" arrives as 1899-11-30; no digital photo is that old. Above 9999 ISO needs a sign.
  if (year <= 1900 || year > 9999) return undefined;
  return value.toISOString().slice(0, 19);
}

function formatOffset(value: unknown): string {
  if (typeof value !== 'string') return '';
  const offset = value.trim();
  const match = UTC_OFFSET.exec(offset);
  if (match === null) return '';
  // Real offsets run from -12:00 to +14:00.
  const isPlausible = Number(match[1]) <= 14 && Number(match[2]) < 60;
  return isPlausible ? offset : '';
}

// --- Camera ------------------------------------------------------------------------------------

const MAX_CAMERA_LENGTH = 100;

/**
 * "Make Model", or Model alone when it already starts with Make ("Canon" + "Canon EOS R5" is
 * "Canon EOS R5"). The text is shown to reviewers, so control and bidi-format characters are
 * removed and the length is capped.
 */
function readCamera(image: TagRecord): string | undefined {
  const make = cleanText(image.Make);
  const model = cleanText(image.Model);
  let camera: string;
  if (make === '') camera = model;
  else if (model === '' || model.toLowerCase().startsWith(make.toLowerCase())) camera = model || make;
  else camera = `${make} ${model}`;
  camera = Array.from(camera).slice(0, MAX_CAMERA_LENGTH).join('').trimEnd();
  return camera === '' ? undefined : camera;
}

/** Makes printable single-line text of an ASCII tag; exif-reader gives a Buffer when a byte is not ASCII. */
function cleanText(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (Buffer.isBuffer(value)) text = new TextDecoder('utf-8').decode(value);
  else return '';
  const nul = text.indexOf('\0');
  // EXIF strings are NUL-terminated; cameras pad fixed-size fields with NULs or garbage after it.
  if (nul !== -1) text = text.slice(0, nul);
  return text
    .replace(/[\t\n\v\f\r]/g, ' ')
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
}

// --- Decoding budget ---------------------------------------------------------------------------

/**
 * Most values exif-reader may decode from one block. It materialises every numeric array and
 * ASCII string in full, and a hostile block can point thousands of entries with a count of 2³² at
 * the same bytes: a 64 KiB block then costs gigabytes and minutes. Real blocks decode to a few
 * thousand values.
 */
const MAX_DECODED_VALUES = 1 << 20;

/** Bytes per value of each TIFF field type (1-based), as exif-reader sizes them. */
const TYPE_SIZES = [1, 1, 2, 4, 8, 1, 1, 2, 4, 8] as const;
const TYPE_ASCII = 2;
const TYPE_UNDEFINED = 7;
const TAG_EXIF_IFD = 0x8769;
const TAG_GPS_IFD = 0x8825;
const TAG_INTEROP_IFD = 0xa005;

/**
 * Walks the IFDs exif-reader will read (IFD0, the thumbnail IFD, Exif, GPS and Interoperability)
 * and adds up the values it would decode, without decoding them. Any read past the end throws a
 * RangeError, which the caller turns into `{}` just as exif-reader's own would be.
 */
function isCheapToDecode(exif: Buffer): boolean {
  const header = exif.toString('latin1', 0, 3);
  const start = header === 'MM\0' || header === 'II*' ? 0 : 6;
  const isBigEndian = exif[start] === 0x4d;
  const u16 = (at: number): number => (isBigEndian ? exif.readUInt16BE(at) : exif.readUInt16LE(at));
  const u32 = (at: number): number => (isBigEndian ? exif.readUInt32BE(at) : exif.readUInt32LE(at));

  let budget = MAX_DECODED_VALUES;
  /** Spends the cost of one IFD and returns its entries' single values by tag, as exif-reader keeps them. */
  const visit = (ifdOffset: number): Map<number, number> => {
    const singles = new Map<number, number>();
    if (exif.length < ifdOffset + 2) return singles;
    const count = u16(ifdOffset);
    for (let entry = ifdOffset + 2; entry < ifdOffset + 2 + count * 12; entry += 12) {
      if (exif.length < entry + 9) break;
      const tag = u16(entry);
      // A later entry with the same tag replaces an earlier one, as in exif-reader's result object.
      singles.delete(tag);
      const type = u16(entry + 2);
      const size = TYPE_SIZES[type - 1];
      if (size === undefined || type === TYPE_UNDEFINED) continue;
      const values = u32(entry + 4);
      if (values * size <= 4) {
        budget -= values;
        if (values === 1 && type !== TYPE_ASCII && exif.length >= entry + 12) {
          singles.set(tag, readInlineValue(type, entry + 8));
        }
        continue;
      }
      if (exif.length < entry + 12) break;
      const valueOffset = u32(entry + 8) + start;
      const bytesLeft = Math.max(0, exif.length - valueOffset);
      budget -= Math.min(values, type === TYPE_ASCII ? bytesLeft : Math.ceil(bytesLeft / size));
      if (values === 1 && bytesLeft >= 8) singles.set(tag, readRational(type, valueOffset));
    }
    return singles;
  };
  const readInlineValue = (type: number, at: number): number => {
    switch (type) {
      case 3:
        return u16(at);
      case 4:
        return u32(at);
      case 6:
        return exif.readInt8(at);
      case 8:
        return (u16(at) << 16) >> 16;
      case 9:
        return u32(at) | 0;
      default:
        return exif[at] ?? 0;
    }
  };
  const readRational = (type: number, at: number): number =>
    type === 10 ? (u32(at) | 0) / (u32(at + 4) | 0) : u32(at) / u32(at + 4);
  const isPointer = (value: number | undefined): value is number =>
    value !== undefined && Number.isInteger(value) && value > 0;

  const ifd0 = start + u32(start + 4);
  const ifd0Values = visit(ifd0);
  if (exif.length >= ifd0 + 2) {
    const next = ifd0 + 2 + u16(ifd0) * 12;
    if (exif.length >= next + 4 && u32(next) !== 0) visit(u32(next) + start);
  }
  const exifIfd = ifd0Values.get(TAG_EXIF_IFD);
  if (isPointer(exifIfd)) {
    const interop = visit(exifIfd + start).get(TAG_INTEROP_IFD);
    if (isPointer(interop)) visit(interop + start);
  }
  const gpsIfd = ifd0Values.get(TAG_GPS_IFD);
  if (isPointer(gpsIfd)) visit(gpsIfd + start);
  return budget >= 0;
}
