/**
 * Notes text → classified lines: indentation, markdown headings, list markers, and blocks whose
 * insides are never read as structure (fenced code, multi-line HTML comments, <details>). Pure.
 */
import { isQuestionForm, isTopicForm } from './cues.js';

export interface ListMarker {
  /** Marker kind and punctuation, e.g. "bullet:-", "decimal.", "alpha)", "cjk、". Items of one list share it. */
  family: string;
  /** 1, 2, 3… for ordered markers (a → 1); null for bullets. */
  ordinal: number | null;
  /** The item's text after the marker. */
  content: string;
}

export interface Line {
  /** 1-based line number in the notes file. */
  no: number;
  /** The line as written (no newline). */
  raw: string;
  /** Columns of leading white space (a tab counts to the next multiple of 4). */
  indent: number;
  /** The line without surrounding white space. */
  text: string;
  blank: boolean;
  /** An ATX heading (`## Text`, at most 3 columns in). */
  heading?: { level: number; text: string };
  item?: ListMarker;
  /** Inside a code fence, HTML comment or <details> block after its first line: content, never structure. */
  opaque: boolean;
  /** The first line of such a block. */
  block?: 'fence' | 'comment' | 'details' | 'table';
  /** For a <details> opener: the index (0-based) of the line that closes it. */
  blockEnd?: number;
  /** Was inside a `>` blockquote (the `>` markers are removed from `raw`). */
  quoted?: boolean;
  /** An Obsidian callout opener (`> [!question] Title`): its type, lower case; `raw` keeps only the title. */
  callout?: string;
  /** "Q. Why…?" answered by "A. …": the letter is a Q or A label (the text after it is in `labelled`). */
  letterLabel?: { role: 'q' | 'a'; labelled: string };
}

const BULLET = /^([-*+•●◦▪▫‣⁃∙·○■□◆◇➢➤►▶▸▷▹✓✔–—])(?:\s+|$)/u;
const TIGHT_BULLET = /^([•●◦▪▫‣⁃∙○■□◆◇➢➤►▶▸▷▹])(\S.*)$/u; // "•item" without a space
const DECIMAL = /^(\d{1,3})(?:([.)])(?:\s+|$)|([、）．])\s*)/u;
const PAREN_DECIMAL = /^[(（](\d{1,3})[)）]\s*/u;
const ALPHA = /^([a-zA-Z])([.)])\s+/u;
const PAREN_ALPHA = /^[(（]([a-zA-Z])[)）]\s*/u;
const CJK_NUMERAL = /^([一二三四五六七八九十]{1,3})([、.．])\s*/u;
const PAREN_CJK = /^[(（]([一二三四五六七八九十]{1,3})[)）]\s*/u;
const CIRCLED = /^([①-⑳])\s*/u;
const HEADING = /^(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/u;
const FENCE = /^(`{3,}|~{3,})/u;
const TABLE_RULE = /^\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)+\|?\s*$/u;
const CHECKBOX = /^\[[ xX]\]\s+/u;
const QUOTE = /^[ \t]{0,3}>[ \t]?/u;
const CALLOUT = /^\[!([\w-]+)\][-+]?[ \t]*(.*)$/u;
const HR = /^([-*_])(?:[ \t]*\1){2,}[ \t]*$/u;

const CJK_DIGITS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };

function cjkNumber(text: string): number {
  if (text.length === 1) return CJK_DIGITS[text] ?? 0;
  // 十一 = 11, 二十 = 20, 二十一 = 21
  const [a, b, c] = [...text];
  if (a === '十') return 10 + (CJK_DIGITS[b ?? ''] ?? 0);
  if (b === '十') return (CJK_DIGITS[a ?? ''] ?? 0) * 10 + (CJK_DIGITS[c ?? ''] ?? 0);
  return 0;
}

/** The list marker that starts `text` (already trimmed), if any. */
function listMarker(text: string): ListMarker | undefined {
  if (HR.test(text)) return undefined;
  let m = BULLET.exec(text);
  if (m) {
    // "**bold**" and "*emphasis*" are not bullets; "- " and "* " are.
    const family = `bullet:${'•●◦▪▫‣⁃∙·○■□◆◇➢➤►▶▸▷▹✓✔'.includes(m[1]!) ? '•' : m[1]}`;
    // "- [ ] Why…?" / "- [x] …": a task-list box (Notion, GitHub) is not part of the text.
    return { family, ordinal: null, content: text.slice(m[0].length).replace(CHECKBOX, '').trim() };
  }
  m = TIGHT_BULLET.exec(text);
  if (m) return { family: 'bullet:•', ordinal: null, content: m[2]!.trim() };
  m = DECIMAL.exec(text);
  if (m) {
    const punct = m[2] ?? m[3]!;
    return { family: `decimal${punct === '）' ? ')' : punct === '．' ? '.' : punct}`, ordinal: Number(m[1]), content: text.slice(m[0].length).trim() };
  }
  m = PAREN_DECIMAL.exec(text);
  if (m) return { family: 'decimal()', ordinal: Number(m[1]), content: text.slice(m[0].length).trim() };
  m = ALPHA.exec(text);
  if (m) {
    const lower = m[1]! === m[1]!.toLowerCase();
    return { family: `alpha${lower ? '' : 'A'}${m[2]}`, ordinal: m[1]!.toLowerCase().charCodeAt(0) - 96, content: text.slice(m[0].length).trim() };
  }
  m = PAREN_ALPHA.exec(text);
  if (m) return { family: 'alpha()', ordinal: m[1]!.toLowerCase().charCodeAt(0) - 96, content: text.slice(m[0].length).trim() };
  m = CJK_NUMERAL.exec(text);
  if (m) return { family: 'cjk、', ordinal: cjkNumber(m[1]!), content: text.slice(m[0].length).trim() };
  m = PAREN_CJK.exec(text);
  if (m) return { family: 'cjk()', ordinal: cjkNumber(m[1]!), content: text.slice(m[0].length).trim() };
  m = CIRCLED.exec(text);
  if (m) return { family: 'circled', ordinal: m[1]!.charCodeAt(0) - 0x2460 + 1, content: text.slice(m[0].length).trim() };
  return undefined;
}

export function isRule(text: string): boolean {
  return HR.test(text);
}

/** Leading white space in columns: tab to the next multiple of 4, ideographic space as 2. */
function indentOf(raw: string): number {
  let col = 0;
  for (const ch of raw) {
    if (ch === ' ') col += 1;
    else if (ch === '\t') col += 4 - (col % 4);
    else if (ch === '\u3000') col += 2;
    else break;
  }
  return col;
}

/** `raw` with its leading white space expanded to spaces. */
export function expandIndent(raw: string): string {
  const lead = /^[ \t\u3000]*/u.exec(raw)![0];
  return ' '.repeat(indentOf(lead)) + raw.slice(lead.length);
}

function countTags(text: string, open: boolean): number {
  return (text.match(open ? /<details[\s>]/giu : /<\/details\s*>/giu) ?? []).length;
}

export function tokenize(text: string): Line[] {
  const rawLines = text.replace(/^\uFEFF/u, '').replace(/\r\n?/g, '\n').split('\n');
  if (rawLines.length > 1 && rawLines.at(-1) === '') rawLines.pop();
  const lines: Line[] = dequote(rawLines).map(({ raw, quoted, callout }, i) => {
    const trimmed = raw.trim();
    const line: Line = { no: i + 1, raw, indent: indentOf(raw), text: trimmed, blank: trimmed === '' && callout === undefined, opaque: false };
    if (quoted) line.quoted = true;
    if (callout !== undefined) line.callout = callout;
    return line;
  });

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.blank) continue;
    const fence = FENCE.exec(line.text);
    if (fence && !(fence[1]!.startsWith('`') && line.text.slice(fence[1]!.length).includes('`'))) {
      line.block = 'fence';
      const close = new RegExp(`^${fence[1]![0] === '`' ? '`' : '~'}{${fence[1]!.length},}\\s*$`, 'u');
      let j = i + 1;
      for (; j < lines.length; j++) {
        lines[j]!.opaque = true;
        if (close.test(lines[j]!.text)) break;
      }
      line.blockEnd = Math.min(j, lines.length - 1);
      i = j;
      continue;
    }
    if (line.text.startsWith('<!--') && !line.text.includes('-->')) {
      let j = i + 1;
      while (j < lines.length && !lines[j]!.text.includes('-->')) j++;
      if (j < lines.length) {
        line.block = 'comment';
        line.blockEnd = j;
        for (let k = i + 1; k <= j; k++) lines[k]!.opaque = true;
        i = j;
        continue;
      }
    }
    if (/^<details[\s>]/iu.test(line.text)) {
      let depth = 0;
      let j = i;
      for (; j < lines.length; j++) {
        depth += countTags(lines[j]!.text, true) - countTags(lines[j]!.text, false);
        if (depth <= 0) break;
      }
      if (j < lines.length) {
        line.block = 'details';
        line.blockEnd = j;
        for (let k = i + 1; k <= j; k++) lines[k]!.opaque = true;
        i = j;
        continue;
      }
    }
    if (line.text.startsWith('|') && TABLE_RULE.test(lines[i + 1]?.text ?? '')) {
      // A markdown table: | Question | Answer | / | --- | --- | / rows.
      let j = i + 1;
      while (j + 1 < lines.length && lines[j + 1]!.text.startsWith('|')) j++;
      line.block = 'table';
      line.blockEnd = j;
      for (let k = i + 1; k <= j; k++) lines[k]!.opaque = true;
      i = j;
      continue;
    }
    if (line.indent <= 3) {
      const h = HEADING.exec(line.text);
      if (h && (h[2] ?? '').trim() !== '') {
        line.heading = { level: h[1]!.length, text: h[2]!.trim() };
        continue;
      }
    }
    const item = listMarker(line.text);
    if (item) line.item = item;
  }
  readSetextHeadings(lines);
  readLetterLabels(lines);
  return lines;
}

/**
 * "Q. Why Acme?" then "A. The product.": a Q. line answered by an A. line is a question and its
 * answer label, not items Q and A of a lettered list.
 */
function readLetterLabels(lines: Line[]): void {
  const letter = (line: Line | undefined, ordinal: number) => line?.item?.family === 'alphaA.' && line.item.ordinal === ordinal;
  for (let i = 0; i < lines.length; i++) {
    if (!letter(lines[i], 17)) continue;
    const answer = lines.slice(i + 1).find((l) => !l.blank && !letter(l, 17) && (l.item?.family !== 'alphaA.' || l.item.ordinal === 1));
    if (!letter(answer, 1)) continue;
    for (const [line, role] of [[lines[i]!, 'q'], [answer!, 'a']] as const) {
      line.letterLabel = { role, labelled: line.item!.content };
      delete line.item;
    }
  }
}

const SETEXT_UNDERLINE = /^(?:={2,}|-{2,})$/u;

/**
 * "Weakness\n========" and "Why Acme?\n---------": a title underlined, as plain-text notes and
 * older markdown write headings, becomes the ATX heading it means; its underline is then read as
 * a blank line. Only a one-line paragraph is a title, and a `-` underline only under a title or a
 * question, so "The timing.\n---" stays a line and a rule.
 */
function readSetextHeadings(lines: Line[]): void {
  for (let i = 0; i + 1 < lines.length; i++) {
    const line = lines[i]!;
    const under = lines[i + 1]!;
    if (line.blank || line.opaque || line.block !== undefined || line.heading || line.item || line.indent > 3) continue;
    if (i > 0 && !lines[i - 1]!.blank) continue;
    if (under.opaque || under.indent > 3 || !SETEXT_UNDERLINE.test(under.text)) continue;
    const level = under.text.startsWith('=') ? 1 : 2;
    if (level === 2 && !isTopicForm(line.text) && !isQuestionForm(line.text)) continue;
    line.heading = { level, text: line.text };
    line.raw = `${'#'.repeat(level)} ${line.text}`;
    Object.assign(under, { blank: true, text: '' });
    i++;
  }
}

/**
 * `> quoted` lines without their `>` markers (outside code fences), so an answer written as a
 * blockquote reads like any other; `> [!question] Title` (an Obsidian callout) keeps its type.
 */
function dequote(rawLines: string[]): { raw: string; quoted: boolean; callout?: string }[] {
  let fence: string | undefined;
  return rawLines.map((raw) => {
    const trimmed = raw.trim();
    if (fence !== undefined) {
      if (new RegExp(`^${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`, 'u').test(trimmed)) fence = undefined;
      return { raw, quoted: false };
    }
    if (!QUOTE.test(raw)) {
      const f = FENCE.exec(trimmed);
      if (f && !(f[1]!.startsWith('`') && trimmed.slice(f[1]!.length).includes('`'))) fence = f[1]!;
      return { raw, quoted: false };
    }
    let inner = raw;
    while (QUOTE.test(inner)) inner = inner.replace(QUOTE, '');
    const c = CALLOUT.exec(inner.trim());
    if (c) return { raw: c[2]!.trim(), quoted: true, callout: c[1]!.toLowerCase() };
    return { raw: inner, quoted: true };
  });
}
