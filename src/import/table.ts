/**
 * Questions in a markdown table: a `Question` column (Q, 问题, 題目, …) and an `Answer` column
 * (A, 回答, 答案, …), or, with other headers, a first column most of whose cells are questions.
 * Columns named like answer sections (Notes, Short version, Key points, Follow-ups) fill those
 * sections; other columns go to the notes as "Header: value". Pure.
 */
import type { SectionName } from '../core/card.js';
import { sectionForHeading } from '../markdown/section-names.js';
import { cleanTitle, isQuestionForm } from './cues.js';
import type { Line } from './lines.js';

export interface TableRow {
  line: Line;
  question: string;
  /** Cell text per section, `<br>` turned into line breaks. */
  sections: Partial<Record<SectionName, string>>;
}

export interface ReadTable {
  rows: TableRow[];
  /** Header and rule lines. */
  structure: Line[];
  /** Rows with no question in them. */
  unplaced: Line[];
}

const Q_HEADER = /^(?:q|qs|questions?|interview\s+questions?|prompt|问题|問題|题目|題目|面试题|面試題|提问|提問)$/iu;
const A_HEADER = /^(?:a|answers?|my\s+answer|sample\s+answer|response|回答|答案|我的回答|参考回答|參考回答)$/iu;

/** Cells of a table row; `\|` is a literal bar. */
export function cells(text: string): string[] {
  const t = text.trim().replace(/^\|/u, '').replace(/\|\s*$/u, '');
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < t.length; i++) {
    if (t[i] === '\\' && t[i + 1] === '|') {
      cur += '|';
      i++;
    } else if (t[i] === '|') {
      out.push(cur.trim());
      cur = '';
    } else cur += t[i];
  }
  out.push(cur.trim());
  return out;
}

const NUMBER_HEADER = /^(?:#|no\.?|nr\.?|num(?:ber)?|序号|序號|编号|編號)$/iu;

const cellText = (cell: string) => cell.replace(/<br\s*\/?>/giu, '\n').split('\n').map((l) => l.trim()).join('\n').trim();

/** The table starting at `lines[0]` (a header row, a rule, rows) as questions, or undefined when it holds none. */
export function readTable(lines: readonly Line[]): ReadTable | undefined {
  if (lines.length < 3) return undefined;
  const header = cells(lines[0]!.text).map((h) => cleanTitle(h).replace(/[:：]$/u, ''));
  const body = lines.slice(2).filter((l) => !l.blank);
  const rows = body.map((l) => cells(l.text));
  let q = header.findIndex((h) => Q_HEADER.test(h));
  let a = header.findIndex((h, i) => i !== q && A_HEADER.test(h));
  if (q === -1) {
    const asked = rows.filter((r) => isQuestionForm(cleanTitle(r[0] ?? ''))).length;
    if (rows.length === 0 || asked * 2 < rows.length || header.length < 2) return undefined;
    q = 0;
    a = 1;
  }
  // "#", "No." or a column of bare numbers: the rows' numbering, not text.
  const numbering = new Set(header.flatMap((h, i) => (i !== q && i !== a && (NUMBER_HEADER.test(h) || rows.every((r) => /^\d{0,4}[.)]?$/u.test(r[i] ?? ''))) ? [i] : [])));
  const result: ReadTable = { rows: [], structure: [lines[0]!, lines[1]!], unplaced: [] };
  body.forEach((line, r) => {
    const row = rows[r]!;
    const question = cleanTitle(cellText(row[q] ?? '').replace(/\n/gu, ' '));
    if (question === '') {
      if (row.some((c) => /[\p{L}\p{N}]/u.test(c))) result.unplaced.push(line);
      else result.structure.push(line);
      return;
    }
    const sections: Partial<Record<SectionName, string>> = {};
    const extra: string[] = [];
    header.forEach((name, i) => {
      if (i === q || numbering.has(i)) return;
      const text = cellText(row[i] ?? '');
      if (text === '') return;
      const section: SectionName | undefined = i === a ? 'answer' : sectionForHeading(name);
      if (section) sections[section] = sections[section] ? `${sections[section]}\n\n${text}` : text;
      else extra.push(name === '' ? text : `${name}: ${text}`);
    });
    // Cells beyond the header, and columns with no section, are kept in the notes.
    for (let i = header.length; i < row.length; i++) if (row[i] !== '') extra.push(cellText(row[i]!));
    if (extra.length > 0) sections.notes = [sections.notes, ...extra].filter((t) => t !== undefined).join('\n\n');
    result.rows.push({ line, question, sections });
  });
  return result.rows.length > 0 ? result : undefined;
}
