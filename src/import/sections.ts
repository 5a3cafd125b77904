/**
 * The lines of one answer → the markdown of its sections (answer, short, full, notes, …).
 * Wording is kept; only what markdown needs changes: the block is dedented, "•"-style bullets
 * become "- ", a line that would turn into a heading only because it was dedented gets "\#",
 * and headings inside a section are moved below the section's own "##". Pure.
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

  const out: string[] = [];
  for (const line of lines) {
    if (line.blank && !line.opaque) {
      if (out.length > 0 && out.at(-1) !== '') out.push('');
      continue;
    }
    let text = expandIndent(line.raw).trimEnd();
    const lead = /^ */u.exec(text)![0].length;
    text = text.slice(Math.min(lead, dedent));
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
    out.push(text);
  }
  while (out.at(-1) === '') out.pop();
  return out.join('\n');
}
