import { describe, expect, it } from 'vitest';
import { decodeText } from './decode-text.js';

// Bytes written out by hand, so the test does not trust the decoder it checks.
const PRIVET_WINDOWS_1251 = Buffer.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]); // Привет
const PRIVET_KOI8_R = Buffer.from([0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4]); // Привет
const ZOLW_ISO_8859_2 = Buffer.from([0xbf, 0xf3, 0xb3, 0x77, 0x20, 0xb6]); // żółw ś (ś is ¶ in windows-1252)

const ascii = (text: string) => Buffer.from(text, 'latin1');

describe('decodeText', () => {
  it('reads UTF-8 when nothing is declared', () => {
    expect(decodeText(Buffer.from('Zażółć gęślą jaźń'), undefined)).toBe('Zażółć gęślą jaźń');
  });

  it('follows the Content-Type charset (windows-1251)', () => {
    expect(decodeText(PRIVET_WINDOWS_1251, 'text/html; charset=windows-1251')).toBe('Привет');
  });

  it('follows a quoted, upper-case charset (KOI8-R)', () => {
    expect(decodeText(PRIVET_KOI8_R, 'text/plain; Charset="KOI8-R"')).toBe('Привет');
  });

  it('reads an XML declaration (ISO-8859-2) when the header says nothing', () => {
    const body = Buffer.concat([ascii('<?xml version="1.0" encoding="ISO-8859-2"?><rss><title>'), ZOLW_ISO_8859_2, ascii('</title></rss>')]);
    expect(decodeText(body, 'application/rss+xml')).toBe('<?xml version="1.0" encoding="ISO-8859-2"?><rss><title>żółw ś</title></rss>');
  });

  it('reads <meta charset>', () => {
    const body = Buffer.concat([ascii('<html><head><meta charset="windows-1251"><title>'), PRIVET_WINDOWS_1251, ascii('</title>')]);
    expect(decodeText(body, 'text/html')).toContain('<title>Привет</title>');
  });

  it('reads <meta http-equiv content="...; charset=...">', () => {
    const body = Buffer.concat([ascii('<html><head><meta http-equiv="Content-Type" content="text/html; charset=koi8-r"></head><p>'), PRIVET_KOI8_R]);
    expect(decodeText(body, undefined)).toContain('<p>Привет');
  });

  it('lets the Content-Type charset win over the document', () => {
    const body = Buffer.concat([ascii('<meta charset="koi8-r">'), PRIVET_WINDOWS_1251]);
    expect(decodeText(body, 'text/html; charset=windows-1251')).toBe('<meta charset="koi8-r">Привет');
  });

  it('trusts the document over a "UTF-8" label when the bytes are not UTF-8 (a feed behind a server that labels all UTF-8)', () => {
    const body = Buffer.concat([ascii('<?xml version="1.0" encoding="ISO-8859-2"?><title>'), ZOLW_ISO_8859_2, ascii('</title>')]);
    expect(decodeText(body, 'application/xml; charset=utf-8')).toContain('<title>żółw ś</title>');
    // Valid UTF-8 under the same label stays UTF-8 whatever the declaration claims.
    const utf8 = Buffer.concat([ascii('<?xml version="1.0" encoding="ISO-8859-2"?><title>'), Buffer.from('żółw'), ascii('</title>')]);
    expect(decodeText(utf8, 'application/xml; charset=utf-8')).toContain('<title>żółw</title>');
  });

  it('lets a byte order mark win over everything (UTF-16LE and UTF-16BE)', () => {
    const little = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Привет', 'utf16le')]);
    const big = Buffer.from(little.subarray(2)).swap16();
    expect(decodeText(little, 'text/html; charset=windows-1251')).toBe('Привет');
    expect(decodeText(Buffer.concat([Buffer.from([0xfe, 0xff]), big]), undefined)).toBe('Привет');
  });

  it('drops a UTF-8 byte order mark', () => {
    expect(decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('żółw')]), 'text/plain; charset=windows-1251')).toBe('żółw');
  });

  it('ignores a declaration beyond the first 2 KB', () => {
    const body = Buffer.concat([ascii(' '.repeat(2100)), ascii('<meta charset="windows-1251">'), Buffer.from('żółw')]);
    expect(decodeText(body, undefined).endsWith('żółw')).toBe(true);
  });

  it('falls back to UTF-8 for an unknown charset name, without throwing', () => {
    expect(decodeText(Buffer.from('żółw'), 'text/html; charset=no-such-charset')).toBe('żółw');
    expect(decodeText(Buffer.from('<meta charset="bogus">żółw'), undefined)).toBe('<meta charset="bogus">żółw');
  });

  it('reads a document that claims UTF-16 without a BOM as UTF-8', () => {
    expect(decodeText(Buffer.from('<meta charset="utf-16">żółw'), undefined)).toBe('<meta charset="utf-16">żółw');
  });
});
