/**
 * Terminal column arithmetic: CJK characters and emoji take two columns, combining marks none.
 *
 * Built on get-east-asian-width (the Unicode East Asian Width table) rather than string-width:
 * string-width compiles a very large emoji regular expression and an Intl.Segmenter on first use,
 * about 95 ms at every `prep drill` start, which is most of the start-up budget. Card text reaches
 * here already sanitised (no control characters), so grapheme clusters only need the cases below.
 */
import { eastAsianWidth } from 'get-east-asian-width';

// prep's own colours may be measured along with the text; they take no columns.
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]/g;
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}\p{Cc}]$/u; // combining marks, ZWJ/ZWSP, variation selectors, controls
const EMOJI_PRESENTATION = /^\p{Emoji_Presentation}$/u;
const PICTOGRAPH = /^\p{Extended_Pictographic}$/u;
const ZWJ = 0x200d;
const isRegionalIndicator = (code: number) => code >= 0x1f1e6 && code <= 0x1f1ff;
const VS16 = 0xfe0f;

/** The text as user-perceived characters: a base character with the marks and joiners that follow it. */
export function* graphemes(text: string): Generator<string> {
  let cluster = '';
  let joined = false;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    const attaches =
      cluster !== '' &&
      (ZERO_WIDTH.test(char) ||
        (code >= 0x1f3fb && code <= 0x1f3ff) || // skin tone
        joined ||
        (code >= 0x1160 && code <= 0x11ff) ||
        (isRegionalIndicator(code) && cluster.length === 2 && isRegionalIndicator(cluster.codePointAt(0)!))); // a flag is a pair
    if (attaches) {
      cluster += char;
      joined = code === ZWJ;
      continue;
    }
    if (cluster !== '') yield cluster;
    cluster = char;
    joined = false;
  }
  if (cluster !== '') yield cluster;
}

function clusterWidth(cluster: string): number {
  const first = cluster.codePointAt(0)!;
  if (ZERO_WIDTH.test(String.fromCodePoint(first))) return 0;
  if (first >= 0x1160 && first <= 0x11ff) return 0; // Hangul medial and final jamo join the syllable before
  const base = String.fromCodePoint(first);
  if (EMOJI_PRESENTATION.test(base)) return 2;
  if (PICTOGRAPH.test(base) && cluster.includes(String.fromCodePoint(VS16))) return 2;
  return eastAsianWidth(first);
}

export function displayWidth(text: string): number {
  const plain = text.includes('\x1b') ? text.replace(ANSI, '') : text;
  // Fast path: printable ASCII is one column a character.
  if (/^[\x20-\x7e]*$/.test(plain)) return plain.length;
  let width = 0;
  for (const cluster of graphemes(plain)) width += clusterWidth(cluster);
  return width;
}

/** Cuts `text` to at most `width` columns, ending with … when anything was cut. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (displayWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const cluster of graphemes(text)) {
    const w = clusterWidth(cluster);
    if (used + w > width - 1) break;
    out += cluster;
    used += w;
  }
  return `${out}…`;
}

export function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

export function padStart(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - displayWidth(text))) + text;
}

/** Wraps plain text to `width` columns, breaking at spaces, or anywhere inside CJK runs. */
export function wrap(text: string, width: number): string[] {
  if (width <= 0 || !Number.isFinite(width)) return text.split('\n');
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    const indent = /^\s*(?:[-*+•]\s+|\d+[.)]\s+)?/.exec(paragraph)?.[0] ?? '';
    const hanging = ' '.repeat(Math.min(displayWidth(indent), Math.floor(width / 2)));
    let line = '';
    let lineWidth = 0;
    let pendingSpace = '';
    const flush = () => {
      lines.push(line);
      line = hanging;
      lineWidth = displayWidth(hanging);
      pendingSpace = '';
    };
    // Tokens: spaces; runs of non-space non-CJK characters; single CJK/wide characters. Marks,
    // variation selectors and joiners stay with the character before them; as in CJK line breaking,
    // closing punctuation (，。」…) stays with the character before it and opening brackets with the one after.
    // Controls \u0001-\u0008 are zero-width marks callers put in the text (drill's bold), never card text.
    for (const token of paragraph.match(/\s+|(?:[^\s\u2E80-\uFFEF]|[\uFE00-\uFE0F\u200D])+|[（「『【《〈〔［｛]*.[\p{M}\uFE00-\uFE0F\u0001-\u0008]*(?:[，。、；：！？」』）】》〉〕］｝・ー][\u0001-\u0008]*)*/gu) ?? []) {
      if (/^\s+$/.test(token)) {
        pendingSpace = lineWidth > 0 ? ' ' : token;
        continue;
      }
      const w = displayWidth(token);
      if (lineWidth > displayWidth(hanging) && lineWidth + pendingSpace.length + w > width) flush();
      if (w > width) {
        // A single token longer than the line: cut it.
        for (const cluster of graphemes(token)) {
          const sw = clusterWidth(cluster);
          if (lineWidth + sw > width) flush();
          line += cluster;
          lineWidth += sw;
        }
        continue;
      }
      line += pendingSpace + token;
      lineWidth += displayWidth(pendingSpace) + w;
      pendingSpace = '';
    }
    lines.push(line);
  }
  return lines;
}
