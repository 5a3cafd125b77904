/** The text table: widths by display columns, caps only in a terminal, columns dropped by rank when narrow. */
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { renderTable, type Column } from '../../src/ui/table.js';

const columns: Column[] = [
  { header: 'QUESTION', flexible: true },
  { header: 'TAGS', max: 10, drop: 2 },
  { header: 'COMPANY', drop: 1 },
  { header: 'LIMIT', align: 'right' },
];
const rows = [
  ['你为什么离开上一家公司？', 'motivation, 中文', '字节跳动', '1m30s'],
  ['Tell me about a time you disagreed with your manager.', 'behavioural', 'Acme', '2m'],
];
const headerOf = (lines: string[]) => lines[0]!.split(/\s{2,}/);

describe('renderTable', () => {
  it('cuts nothing when piped (Infinity): no caps, no dropped columns', () => {
    const lines = renderTable(columns, rows, Infinity);
    expect(headerOf(lines)).toEqual(['QUESTION', 'TAGS', 'COMPANY', 'LIMIT']);
    expect(lines.join('\n')).not.toContain('…');
    expect(lines[1]).toContain('motivation, 中文');
  });

  it('caps a column at its max in a terminal', () => {
    const lines = renderTable(columns, rows, 200);
    expect(lines[1]).toContain('motivatio…');
    expect(lines[1]).not.toContain('motivation, 中文');
  });

  it('drops the lowest rank first until the flexible column keeps minFlexible columns, and fits the width', () => {
    const at = (width: number) => renderTable(columns, rows, width, undefined, undefined, { minFlexible: 20 });
    expect(headerOf(at(200))).toEqual(['QUESTION', 'TAGS', 'COMPANY', 'LIMIT']);
    // 10 + 8 + 5 and three gaps leave 19 for the question at 48: one column short of 20.
    expect(headerOf(at(49))).toEqual(['QUESTION', 'TAGS', 'COMPANY', 'LIMIT']);
    expect(headerOf(at(48))).toEqual(['QUESTION', 'TAGS', 'LIMIT']);
    expect(headerOf(at(36))).toEqual(['QUESTION', 'LIMIT']);
    for (const width of [200, 60, 49, 48, 36, 30]) for (const line of at(width)) expect(stringWidth(line), `${width}: ${line}`).toBeLessThanOrEqual(width);
  });

  it('gives style the index of the column among all columns, whichever were dropped', () => {
    const seen = new Set<number>();
    renderTable(columns, rows, 36, (column, text) => (seen.add(column), text), undefined, { minFlexible: 20 });
    expect([...seen].sort()).toEqual([0, 3]);
  });

  it('lines up columns by display width, Chinese counting double', () => {
    const lines = renderTable(columns, rows, Infinity);
    const limitAt = lines.map((line) => stringWidth(line.trimEnd()));
    expect(new Set(limitAt).size).toBe(1); // right-aligned last column: every line ends at the same column
  });
});
