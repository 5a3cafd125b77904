/**
 * The lines of one answer → the markdown of its sections (answer, short, full, notes, …).
 * Wording is kept; only what markdown needs changes: the block is dedented, "•"-style bullets
 * become "- ", a line that would turn into a heading only because it was dedented gets "\#",
 * headings inside a section are moved below the section's own "##", a paragraph of code or an
 * ASCII drawing is fenced (```), and a list item's paragraph indented less than the item's text is
 * indented to it. Pure.
 */
import type { SectionName } from '../core/card.js';
import { calloutRole, sectionLabel } from './cues.js';
import { expandIndent, isRule, type Line } from './lines.js';

export interface BuiltAnswer {
  sections: Partial<Record<SectionName, string>>;
  /** Lines read as section labels ("完整版", "Short version:"): structure, not text. */
  labels: Line[];
}

/** A copy of `line` whose text is `text` (a label or marker cut off), at the same indent. */
export function withText(line: Line, text: string): Line {
  const lead = /^[ \t\u3000]*/u.exec(line.raw)![0];
  return { ...line, raw: `${lead}${text}`, text: text.trim(), blank: text.trim() === '', heading: undefined, item: undefined, block: undefined };
}

export function buildAnswer(content: readonly Line[], first: SectionName = 'answer'): BuiltAnswer {
  const groups = new Map<SectionName, Line[][]>();
  const labels: Line[] = [];
  let current: SectionName = first;
  let chunk: Line[] = [];
  const flush = () => {
    if (chunk.length > 0) groups.set(current, [...(groups.get(current) ?? []), chunk]);
    chunk = [];
  };
  for (const line of content) {
    const role = calloutRole(line.callout);
    if (role !== undefined && role !== 'q' && role !== 'a') {
      // "> [!note] Title": the callout names the section; its title is text of it.
      flush();
      current = role;
      labels.push(line);
      if (line.text !== '') chunk.push(withText(line, line.text));
      continue;
    }
    if (!line.opaque && !line.blank && !line.item && line.block === undefined) {
      const label = sectionLabel(line.heading ? line.heading.text : line.text, line.heading !== undefined);
      if (label) {
        flush();
        current = label.name;
        labels.push(line);
        if (label.rest !== '') chunk.push(withText(line, label.rest));
        continue;
      }
    }
    chunk.push(line);
  }
  flush();

  const sections: Partial<Record<SectionName, string>> = {};
  for (const [name, chunks] of groups) {
    const parts = chunks.map(renderLines).filter((md) => md !== '');
    if (parts.length > 0) sections[name] = parts.join('\n\n');
  }
  return { sections, labels };
}

/** Markdown for a run of source lines; '' when nothing is in it. */
export function renderLines(input: readonly Line[]): string {
  let lines = [...input];
  const empty = (l: Line) => !l.opaque && (l.blank || isRule(l.text));
  while (lines.length > 0 && empty(lines[0]!)) lines.shift();
  while (lines.length > 0 && empty(lines.at(-1)!)) lines.pop();
  if (lines.length === 0) return '';

  const structural = lines.filter((l) => !l.blank && !l.opaque);
  const dedent = structural.length > 0 ? Math.min(...structural.map((l) => l.indent)) : 0;
  const headings = lines.filter((l) => l.heading && !l.opaque);
  const shift = headings.length > 0 ? Math.max(0, 3 - Math.min(...headings.map((l) => l.heading!.level))) : 0;

  let rows: Row[] = [];
  for (const line of lines) {
    if (line.blank && !line.opaque) {
      if (rows.length > 0 && rows.at(-1)!.text !== '') rows.push({ text: '' });
      continue;
    }
    let text = expandIndent(line.raw).trimEnd();
    const lead = /^ */u.exec(text)![0].length;
    text = text.slice(Math.min(lead, dedent));
    const verbatim = text;
    if (!line.opaque) {
      if (line.heading) {
        text = text.replace(/^(\s*)(#{1,6})/u, (_all, sp: string, hashes: string) => `${sp}${'#'.repeat(Math.min(6, hashes.length + shift))}`);
      } else {
        // "•\tItem", "● Item", "· Item" → "- Item" (markdown knows only -, *, +).
        text = text.replace(/^(\s*)(?:[•●◦▪▫‣⁃∙○■□◆◇➢➤►▶▸▷▹✓✔](?:\s+|(?=\S))|[·–—]\s+)/u, '$1- ');
        // Was not a heading in the notes (indented 4+); must not become one now.
        if (/^\s{0,3}#{1,6}(?:\s|$)/u.test(text)) text = text.replace('#', '\\#');
      }
    }
    rows.push({ text, line, verbatim });
  }
  while (rows.at(-1)?.text === '') rows.pop();
  rows = fenceCodeAndDrawings(rows);
  indentContinuations(rows);
  return rows.map((r) => r.text).join('\n');
}

interface Row {
  text: string;
  /** The source line ('' rows between paragraphs and fence markers have none). */
  line?: Line;
  /** The dedented line before any markdown fix-up ("•" → "-", "#" → "\#"). */
  verbatim?: string;
  /** Rows of one fenced block added here share a number: they move together. */
  fence?: number;
}

const lead = (text: string) => /^ */u.exec(text)![0].length;

/**
 * A paragraph of program code (`cursor.execute(…)`, `# comment`, `except Exception as err:`) or of
 * an ASCII drawing (`+------+` / `| box |`) → a ``` fenced block of its lines as written, so a
 * markdown viewer does not run them together into one paragraph. Only a whole paragraph (between
 * blank lines) of at least two lines, every one of them code (with at least one call or
 * assignment) or every one of them drawing (with at least one box edge).
 */
function fenceCodeAndDrawings(rows: Row[]): Row[] {
  const out: Row[] = [];
  let fences = 0;
  for (let i = 0; i < rows.length; ) {
    if (rows[i]!.text === '' && !rows[i]!.line) {
      out.push(rows[i++]!);
      continue;
    }
    let j = i;
    while (j < rows.length && (rows[j]!.text !== '' || rows[j]!.line)) j++;
    const para = rows.slice(i, j);
    const plain = para.every(({ line }) => line && !line.opaque && !line.heading && !line.item && line.block === undefined && line.callout === undefined && !line.letterLabel);
    const texts = para.map((r) => r.verbatim!.trim());
    if (plain && para.length >= 2 && (isCode(texts) || isDrawing(texts))) {
      const at = Math.min(...para.map((r) => lead(r.verbatim!)));
      const fence = ++fences;
      out.push({ text: `${' '.repeat(at)}\`\`\``, fence }, ...para.map((r) => ({ ...r, text: r.verbatim!, fence })), { text: `${' '.repeat(at)}\`\`\``, fence });
    } else out.push(...para);
    i = j;
  }
  return out;
}

/** A call (`print("x")`, `cursor.execute(…)`) or an assignment of code (`res = es.index(…)`). */
const CODE_STATEMENT = [
  /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*\s*\(.*\)\s*;?$/u,
  /^(?:(?:const|let|var|val)\s+)?[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*|\[[^\]]*\])*\s*[-+*/%]?=\s*(?:\S.*[(\[{"'`].*|.*;)$/u,
];
/** Other lines that are code among such statements: comments, block keywords, braces. */
const CODE_LINE = [
  /^(?:#|\/\/)(?:\s|$)/u,
  /^(?:try|except|finally|else|elif|if|for|while|def|class|with|async def)\b.*:$/u,
  /^(?:return|import|from|raise|pass|break|continue)\b(?:\s+[\w$.,*()[\]{}'" ]*)?;?$/u,
  /^[{}()[\];,\s]+$/u,
  /[{;]$/u,
];

function isCode(texts: string[]): boolean {
  const statement = (t: string) => CODE_STATEMENT.some((re) => re.test(t));
  return texts.some(statement) && texts.every((t) => statement(t) || CODE_LINE.some((re) => re.test(t)));
}

const BOX = '\u2500-\u257F';
/** A box edge: `+------+`, `┌──────┐`. */
const DRAWING_EDGE = new RegExp(`\\+[-=]{3,}\\+|[${BOX}]{3,}`, 'u');
/** A line of a drawing: starts or ends at a box side or corner, or is only arrows and lines. */
const DRAWING_LINE = new RegExp(`^[+|${BOX}]|[+|${BOX}]$|^[-=+|v^<>.:*\\s\u2190-\u21FF]+$`, 'u');

function isDrawing(texts: string[]): boolean {
  return texts.some((t) => DRAWING_EDGE.test(t)) && texts.every((t) => DRAWING_LINE.test(t));
}

const MD_ITEM = /^( *)([-*+]|\d{1,9}[.)])( +)(?=\S)/u;

/**
 * Lines that go on a list item ("1. Functionality", then its paragraph indented 2) but are indented
 * less than the item's text, which in markdown puts them outside the item: indented to the item's
 * text. A fenced block added above moves as one.
 */
function indentContinuations(rows: Row[]): void {
  let open: { indent: number; content: number } | undefined;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (row.text === '') continue;
    if (row.fence !== undefined) {
      let end = i;
      while (end + 1 < rows.length && rows[end + 1]!.fence === row.fence) end++;
      const at = lead(row.text);
      if (open && at <= open.indent) open = undefined;
      // A fence indented 4 or more past where it could open is not one: it goes at the item's text,
      // or at the margin, its lines keeping their indent relative to each other.
      const to = open ? (at >= open.content && at <= open.content + 3 ? at : open.content) : at <= 3 ? at : 0;
      for (let k = i; k <= end; k++) {
        const r = rows[k]!;
        if (r.text !== '') r.text = to >= at ? ' '.repeat(to - at) + r.text : r.text.slice(at - to);
      }
      i = end;
      continue;
    }
    const line = row.line!;
    const at = lead(row.text);
    const item = !line.opaque && line.item ? MD_ITEM.exec(row.text) : null;
    if (item) {
      const gap = item[3]!.length;
      open = { indent: at, content: at + item[2]!.length + (gap > 4 ? 1 : gap) };
      continue;
    }
    if (line.heading && !line.opaque) {
      open = undefined;
      continue;
    }
    if (!open) continue;
    if (at <= open.indent) {
      open = undefined;
      continue;
    }
    if (line.opaque || line.block !== undefined || line.item || at >= open.content) continue;
    row.text = ' '.repeat(open.content - at) + row.text;
  }
}
