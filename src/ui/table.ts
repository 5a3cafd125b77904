/** A width-aware text table. Cells are plain text; colour is applied after layout. */
import { displayWidth, padEnd, padStart, truncate } from './width.js';

export interface Column {
  header: string;
  align?: 'left' | 'right';
  /** The one column that shrinks when the table is too wide (the question). */
  flexible?: boolean;
  /** In a terminal, a column that is not flexible is still cut to this many columns (never when piped). */
  max?: number;
  /**
   * In a terminal too narrow for every column, columns with a drop rank are left out, lowest rank
   * first, until the flexible column keeps `minFlexible` columns; columns without one always stay.
   */
  drop?: number;
}

export interface TableOptions {
  /** Narrowest the flexible column may get before a column is dropped (see Column.drop). */
  minFlexible?: number;
}

/** The flexible column is never cut narrower than this, whatever the terminal. */
const FLEXIBLE_FLOOR = 8;
const GAP = 2;

/**
 * The table's lines: header, then one line per row, fitted to `width` terminal columns (Infinity
 * when piped: nothing is cut then). `style` gets the index of the column in `columns`, whichever
 * columns were dropped.
 */
export function renderTable(
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
  width: number,
  style: (column: number, text: string, row: number) => string = (_c, text) => text,
  header: (text: string) => string = (text) => text,
  { minFlexible = 20 }: TableOptions = {},
): string[] {
  const inTerminal = Number.isFinite(width);
  const natural = columns.map((col, i) => {
    const widest = Math.max(displayWidth(col.header), ...rows.map((r) => displayWidth(r[i] ?? '')));
    return inTerminal && col.max !== undefined ? Math.min(widest, col.max) : widest;
  });
  const flex = columns.findIndex((c) => c.flexible);
  let kept = columns.map((_, i) => i);
  const totalWidth = (indexes: number[], flexWidth: (natural: number) => number) =>
    indexes.reduce((sum, i) => sum + (i === flex ? flexWidth(natural[i]!) : natural[i]!), 0) + GAP * (indexes.length - 1);
  if (inTerminal && flex !== -1) {
    const byRank = kept.filter((i) => columns[i]!.drop !== undefined).sort((a, b) => columns[a]!.drop! - columns[b]!.drop!);
    for (const dropped of byRank) {
      if (totalWidth(kept, (n) => Math.min(n, minFlexible)) <= width) break;
      kept = kept.filter((i) => i !== dropped);
    }
  }
  const widths = [...natural];
  if (inTerminal && flex !== -1) {
    const overflow = totalWidth(kept, (n) => n) - width;
    if (overflow > 0) widths[flex] = Math.max(FLEXIBLE_FLOOR, natural[flex]! - overflow);
  }
  const cell = (text: string, i: number) => {
    const fitted = inTerminal ? truncate(text, widths[i]!) : text;
    if (columns[i]!.align === 'right') return padStart(fitted, widths[i]!);
    return i === kept.at(-1) ? fitted : padEnd(fitted, widths[i]!);
  };
  const join = (cells: string[]) => cells.join(' '.repeat(GAP)).trimEnd();
  const lines = [header(join(kept.map((i) => cell(columns[i]!.header, i))))];
  rows.forEach((row, r) => lines.push(join(kept.map((i) => style(i, cell(row[i] ?? '', i), r)))));
  return lines;
}
