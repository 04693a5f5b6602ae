// Zone names feeds use that Date.parse does not know (it knows UT, UTC, GMT, Z and the US zones).
const ZONE_OFFSETS: Record<string, string> = {
  BST: '+0100',
  CET: '+0100',
  CEST: '+0200',
  EET: '+0200',
  EEST: '+0300',
  MSK: '+0300',
  WET: '+0000',
  WEST: '+0100',
  IST: '+0530',
  JST: '+0900',
  KST: '+0900',
  AEST: '+1000',
  AEDT: '+1100',
};

/**
 * A feed date (RFC 822 `pubDate` with a numeric or named zone, two- or four-digit year, or ISO 8601
 * `updated` / `dc:date`) as a Date; undefined when empty or unreadable.
 */
export function parseFeedDate(text: string): Date | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  // An ISO time without a zone would be read as the server's local time: feeds mean UTC.
  const isZonelessIso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/u.test(trimmed);
  let time = Date.parse(isZonelessIso ? `${trimmed}Z` : trimmed);
  if (Number.isNaN(time)) {
    const zone = /\s([A-Z]{2,5})$/u.exec(trimmed);
    const offset = zone?.[1] === undefined ? undefined : ZONE_OFFSETS[zone[1]];
    if (zone !== null && offset !== undefined) time = Date.parse(`${trimmed.slice(0, zone.index)} ${offset}`);
  }
  return Number.isNaN(time) ? undefined : new Date(time);
}
