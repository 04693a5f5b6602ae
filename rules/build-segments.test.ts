import { describe, expect, it } from 'vitest';
import { boxGap, buildSegments, locateEvidence } from './build-segments.js';

describe('buildSegments', () => {
  it('makes one segment of the post text and one per image with OCR', () => {
    const segments = buildSegments({ text: 'hello', images: [{ text: 'first' }, {}, { text: 'third' }] });
    expect(segments.map((segment) => [segment.source, segment.image, segment.text])).toEqual([
      ['text', undefined, 'hello'],
      ['ocr', 0, 'first'],
      ['ocr', 2, 'third'],
    ]);
  });

  it('skips a blank post text', () => {
    expect(buildSegments({ text: '  \n ' })).toEqual([]);
  });

  it('joins OCR words of a line with spaces and lines with newlines, keeping each word offsets', () => {
    const [segment] = buildSegments({
      images: [
        {
          words: [
            { text: 'STRICTLY', box: [0, 0, 80, 20], confidence: 90, line: 0 },
            { text: 'CONFIDENTIAL', box: [90, 0, 120, 20], confidence: 80, line: 0 },
            { text: 'Q3', box: [0, 30, 20, 20], confidence: 70, line: 1 },
          ],
        },
      ],
    });
    expect(segment?.text).toBe('STRICTLY CONFIDENTIAL\nQ3');
    expect(segment?.words.map((word) => [word.start, word.end])).toEqual([
      [0, 8],
      [9, 21],
      [22, 24],
    ]);
  });

  it('skips empty OCR words', () => {
    const [segment] = buildSegments({
      images: [{ words: [{ text: '', box: [0, 0, 1, 1], confidence: 10 }, { text: 'A', box: [0, 0, 1, 1], confidence: 90 }] }],
    });
    expect(segment?.text).toBe('A');
  });
});

describe('locateEvidence', () => {
  const [segment] = buildSegments({
    images: [
      {
        words: [
          { text: 'STRICTLY', box: [10, 10, 80, 20], confidence: 90, line: 0 },
          { text: 'CONFIDENTIAL', box: [95, 12, 120, 22], confidence: 70, line: 0 },
          { text: 'memo', box: [10, 40, 40, 20], confidence: 50, line: 1 },
        ],
      },
    ],
  });

  it('gives the union box and mean confidence of the words the evidence overlaps', () => {
    expect(locateEvidence(segment!, 0, 21)).toEqual({ box: [10, 10, 205, 24], confidence: 80 });
  });

  it('gives the box of one word for evidence inside it', () => {
    expect(locateEvidence(segment!, 12, 15)).toEqual({ box: [95, 12, 120, 22], confidence: 70 });
  });

  it('gives nothing for a segment without words', () => {
    expect(locateEvidence({ source: 'text', text: 'hello', words: [] }, 0, 5)).toEqual({});
  });
});

describe('boxGap', () => {
  it('is 0 for overlapping boxes', () => {
    expect(boxGap([0, 0, 10, 10], [5, 5, 10, 10])).toBe(0);
  });

  it('is the vertical gap between boxes above each other', () => {
    expect(boxGap([0, 0, 10, 10], [0, 30, 10, 10])).toBe(20);
  });

  it('is the diagonal gap between boxes apart both ways', () => {
    expect(boxGap([0, 0, 10, 10], [40, 50, 10, 10])).toBe(50);
  });
});
