import { terminalSafe } from './terminal-safe.js';

/**
 * A plain-text table: a header row, then one line per row, each column padded to its widest cell
 * and two spaces apart (the last column is not padded). Cells are made terminal-safe first.
 */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const safeRows = rows.map((row) => row.map((cell) => terminalSafe(cell)));
  const widths = headers.map((header, column) => Math.max(header.length, ...safeRows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...safeRows.map(line)].join('\n');
}

/** A time as the CLI shows it: `2026-11-23 09:05Z` (UTC, to the minute), or `-` for none. */
export function formatTime(time: Date | null): string {
  return time === null ? '-' : `${time.toISOString().slice(0, 16).replace('T', ' ')}Z`;
}
