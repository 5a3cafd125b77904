/** Terminal column arithmetic: CJK characters and most emoji take two columns. */
import stringWidth from 'string-width';

export const displayWidth = (text: string): number => stringWidth(text);

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Cuts `text` to at most `width` columns, ending with … when anything was cut. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (stringWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const { segment } of segmenter.segment(text)) {
    const w = stringWidth(segment);
    if (used + w > width - 1) break;
    out += segment;
    used += w;
  }
  return `${out}…`;
}

export function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - stringWidth(text)));
}

export function padStart(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - stringWidth(text))) + text;
}

/** Wraps plain text to `width` columns, breaking at spaces, or anywhere inside CJK runs. */
export function wrap(text: string, width: number): string[] {
  if (width <= 0 || !Number.isFinite(width)) return text.split('\n');
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    const indent = /^\s*(?:[-*+]\s+|\d+[.)]\s+)?/.exec(paragraph)?.[0] ?? '';
    const hanging = ' '.repeat(Math.min(stringWidth(indent), Math.floor(width / 2)));
    let line = '';
    let lineWidth = 0;
    let pendingSpace = '';
    const flush = () => {
      lines.push(line);
      line = hanging;
      lineWidth = stringWidth(hanging);
      pendingSpace = '';
    };
    // Tokens: runs of non-space non-CJK characters, single CJK/wide characters, or spaces.
    for (const token of paragraph.match(/\s+|[^\s\u2E80-\uFFEF]+|./gu) ?? []) {
      if (/^\s+$/.test(token)) {
        pendingSpace = lineWidth > 0 ? ' ' : token;
        continue;
      }
      const w = stringWidth(token);
      if (lineWidth > stringWidth(hanging) && lineWidth + pendingSpace.length + w > width) flush();
      if (w > width) {
        // A single token longer than the line: cut it.
        for (const { segment } of segmenter.segment(token)) {
          const sw = stringWidth(segment);
          if (lineWidth + sw > width) flush();
          line += segment;
          lineWidth += sw;
        }
        continue;
      }
      line += pendingSpace + token;
      lineWidth += stringWidth(pendingSpace) + w;
      pendingSpace = '';
    }
    lines.push(line);
  }
  return lines;
}
