/** A width-aware text table. Cells are plain text; colour is applied after layout. */
import { displayWidth, padEnd, padStart, truncate } from './width.js';

export interface Column {
  header: string;
  align?: 'left' | 'right';
  /** The one column that shrinks when the table is too wide (the question). */
  flexible?: boolean;
  /** Columns that are not flexible are still cut to this many columns. */
  max?: number;
}

export function renderTable(
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
  width: number,
  style: (column: number, text: string, row: number) => string = (_c, text) => text,
  header: (text: string) => string = (text) => text,
): string[] {
  const gap = 2;
  const widths = columns.map((col, i) => {
    const natural = Math.max(displayWidth(col.header), ...rows.map((r) => displayWidth(r[i] ?? '')));
    return col.max !== undefined ? Math.min(natural, col.max) : natural;
  });
  const total = widths.reduce((a, b) => a + b, 0) + gap * (columns.length - 1);
  const flex = columns.findIndex((c) => c.flexible);
  if (Number.isFinite(width) && total > width && flex !== -1) {
    widths[flex] = Math.max(12, widths[flex]! - (total - width));
  }
  const cell = (text: string, i: number) => {
    const fitted = truncate(text, widths[i]!);
    const isLast = i === columns.length - 1;
    if (columns[i]!.align === 'right') return padStart(fitted, widths[i]!);
    return isLast ? fitted : padEnd(fitted, widths[i]!);
  };
  const join = (cells: string[]) => cells.join(' '.repeat(gap)).trimEnd();
  const lines = [header(join(columns.map((c, i) => cell(c.header, i))))];
  rows.forEach((row, r) => lines.push(join(columns.map((_, i) => style(i, cell(row[i] ?? '', i), r)))));
  return lines;
}
