import { describe, expect, it } from 'vitest';
import { formatTable, formatTime } from './format-table.js';

describe('formatTable', () => {
  it('pads every column but the last to its widest cell, two spaces apart', () => {
    expect(formatTable(['ID', 'HANDLE', 'STATE'], [['1', 'halvard_news', 'ok'], ['22', 'x', 'blocked']])).toBe(
      ['ID  HANDLE        STATE', '1   halvard_news  ok', '22  x             blocked'].join('\n'),
    );
  });

  it('keeps one row on one line when a cell holds a newline', () => {
    expect(formatTable(['A', 'B'], [['x\ny', 'z']]).split('\n')).toEqual(['A     B', 'x\\ny  z']);
  });
});

describe('formatTime', () => {
  it('shows UTC to the minute, and a dash for no time', () => {
    expect(formatTime(new Date('2026-11-23T09:05:59.900Z'))).toBe('2026-11-23 09:05Z');
    expect(formatTime(null)).toBe('-');
  });
});
