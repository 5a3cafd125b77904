/**
 * One answer file's text → cards, plus the problems found in it. Pure: no file system.
 *
 * Rules (documented in README, "Answer files"):
 * - Front matter `question:` → the whole file is one question. An empty `question:` counts as
 *   none (the headings are the questions); with no question heading either, it is the error.
 * - Otherwise every heading at the file's shallowest heading level is a question, except
 *   section names and STAR step names; text under it, down to the next such heading, is its answer.
 * - Within an answer, a heading that names a section (Key points, Short version, 完整版, …)
 *   starts that section; other headings (Situation, Task, …) stay inside the section they are in.
 *   Text outside any named section is the answer as a whole.
 * - Identity: a one-question file uses front matter `id:`, else an `<!-- id: x -->` comment right
 *   under the question, else its path without extension. In a file with several questions each
 *   uses its `<!-- id: x -->` comment, else `path#hash(normalised question)`; a front matter `id:`
 *   there is ignored with a warning. The content hash covers the answer body only.
 * - Key points: the key points section's list items, else the bold phrases of the short
 *   version (else the answer, else the full version), each phrase once whatever its case.
 */
import { hash } from 'node:crypto';
import type { Heading, Html, List, ListItem, Root, RootContent } from 'mdast';
import { toString } from 'mdast-util-to-string';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import type { Card, Section, SectionName } from '../core/card.js';
import { normalizeQuestion, spokenSeconds } from '../core/text.js';
import { defaultTimeLimit } from '../core/time-limits.js';
import { readFrontMatter, type FrontMatter } from './front-matter.js';
import { sectionForHeading } from './section-names.js';

export interface Problem {
  /** Path relative to the deck folder. */
  file: string;
  line: number;
  severity: 'error' | 'warning';
  message: string;
}

export interface ParsedFile {
  cards: Card[];
  problems: Problem[];
}

const STAR_STEPS = /^(situation|task|actions?|results?|reflections?|learnings?|background|context|情境|情景|背景|任务|任務|行动|行動|结果|結果|反思|总结|總結)\s*[:：]?$/iu;
const ID_COMMENT = /^<!--\s*id:\s*([^\s>]+)\s*-->$/u;

const processor = unified().use(remarkParse);

/**
 * Shapes remark handles in more than linear time (minutes for a 20 KB file of `- - - …` or of
 * nested `*emphasis*`) and finally overflows the stack on. No answer needs them; they are refused.
 */
const MAX_NESTING = 100;
const MAX_INLINE_MARKERS = 500;
const CONTAINER_MARKER = /[ \t]*(?:>|(?:[*+-]|\d{1,9}[.)])(?=[ \t]|$))/y;

/** Why `text` is not handed to remark, and on which line (1-based, in `text`). Linear. */
function tooComplex(text: string): { line: number; message: string } | undefined {
  let line = 1;
  let blockStart = 1;
  let markersInBlock = 0;
  let fence: string | undefined; // the opening fence while inside a fenced code block (no emphasis there)
  for (let start = 0; start <= text.length; line++) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const row = text.slice(start, end);
    start = end + 1;
    if (fence !== undefined) {
      const close = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(row);
      if (close && close[1]![0] === fence[0] && close[1]!.length >= fence.length) fence = undefined;
      continue;
    }
    const open = /^ {0,3}(`{3,}(?=[^`]*$)|~{3,})/.exec(row);
    if (open) {
      fence = open[1]!;
      continue;
    }
    if (row.trim() === '') {
      markersInBlock = 0;
      blockStart = line + 1;
      continue;
    }
    const indent = /^[ \t]*/.exec(row)![0].replace(/\t/g, '    ').length;
    const depth = Math.floor(indent / 2);
    let containers = 0;
    CONTAINER_MARKER.lastIndex = 0;
    while (CONTAINER_MARKER.exec(row) !== null && ++containers + depth <= MAX_NESTING);
    if (containers > 0 && containers + depth > MAX_NESTING) {
      return { line, message: `lists or quotes are nested more than ${MAX_NESTING} levels deep; flatten them (prep does not read answers nested that deep)` };
    }
    for (let i = 0; i < row.length; i++) {
      const c = row.charCodeAt(i);
      // A run of * or _ is one delimiter (`***`); every [ may open a link.
      if (c === 91 /* [ */ || ((c === 42 /* * */ || c === 95) /* _ */ && row.charCodeAt(i - 1) !== c)) markersInBlock++;
    }
    if (markersInBlock > MAX_INLINE_MARKERS) {
      return { line: blockStart, message: `this paragraph has more than ${MAX_INLINE_MARKERS} emphasis or link marks (* _ [); split it or remove some (prep does not read paragraphs that tangled)` };
    }
  }
  return undefined;
}

export function parseAnswerFile(text: string, file: string): ParsedFile {
  const problems: Problem[] = [];
  const fm = readFrontMatter(text);
  if (!fm.ok) return { cards: [], problems: [{ file, line: fm.line, severity: 'error', message: fm.message }] };

  const refused = tooComplex(fm.body);
  if (refused) return { cards: [], problems: [{ file, line: refused.line + fm.bodyLineOffset, severity: 'error', message: refused.message }] };
  const root = processor.parse(fm.body) as Root;
  const source = fm.body;
  const lineOf = (node: { position?: { start: { line: number } } }) => (node.position?.start.line ?? 1) + fm.bodyLineOffset;

  const drafts: QuestionDraft[] = [];
  if (fm.data.question !== undefined) {
    drafts.push({ question: fm.data.question, line: fm.data.questionLine ?? 1, nodes: root.children });
  } else {
    const isQuestionCandidate = (node: RootContent): node is Heading => {
      if (node.type !== 'heading') return false;
      const text = toString(node);
      return sectionForHeading(text) === undefined && !STAR_STEPS.test(text.trim());
    };
    // Each heading classified once (names are normalized for it).
    const candidates = root.children.filter(isQuestionCandidate);
    if (candidates.length === 0) {
      if (fm.data.emptyQuestionLine !== undefined) {
        return { cards: [], problems: [{ file, line: fm.data.emptyQuestionLine, severity: 'error', message: '`question:` is empty; write the interview question after it' }] };
      }
      const message = fm.hasFrontMatter
        ? 'no question found; add `question: ...` to the front matter'
        : 'no question found; start the file with front matter `question: ...` or a heading `# Your question?`';
      return { cards: [], problems: [{ file, line: 1, severity: 'error', message }] };
    }
    const depth = Math.min(...candidates.map((h) => h.depth));
    const isCandidate = new Set<RootContent>(candidates);
    const starts = root.children.flatMap((node, index) => (isCandidate.has(node) && (node as Heading).depth === depth ? [index] : []));
    const preamble = root.children.slice(0, starts[0]);
    if (preamble.some(hasText)) {
      problems.push({
        file,
        line: lineOf(preamble.find(hasText)!),
        severity: 'warning',
        message: 'text before the first question belongs to no question; move it under a question heading or into notes',
      });
    }
    starts.forEach((start, i) => {
      const heading = root.children[start] as Heading;
      const question = toString(heading).trim();
      drafts.push({ question, line: lineOf(heading), nodes: root.children.slice(start + 1, starts[i + 1] ?? root.children.length) });
    });
  }

  if (fm.data.id !== undefined && drafts.length > 1) {
    problems.push({
      file,
      line: fm.data.idLine ?? 1,
      severity: 'warning',
      message: `\`id:\` in front matter names one question, but this file has ${drafts.length}; put \`<!-- id: name -->\` under each question heading instead`,
    });
  }

  const cards: Card[] = [];
  for (const draft of drafts) {
    if (draft.question === '') {
      problems.push({ file, line: draft.line, severity: 'error', message: 'question heading is empty; write the question after the #' });
      continue;
    }
    cards.push(buildCard(draft, fm.data, file, source, drafts.length === 1, lineOf, problems));
  }
  return { cards, problems };
}

interface QuestionDraft {
  question: string;
  line: number;
  nodes: RootContent[];
}

function buildCard(
  draft: QuestionDraft,
  meta: FrontMatter,
  file: string,
  source: string,
  onlyQuestionInFile: boolean,
  lineOf: (node: RootContent) => number,
  problems: Problem[],
): Card {
  let nodes = draft.nodes;
  let commentId: string | undefined;
  const first = nodes[0];
  if (first?.type === 'html') {
    const match = ID_COMMENT.exec((first as Html).value.trim());
    if (match) {
      commentId = match[1];
      nodes = nodes.slice(1);
    }
  }

  const groups = splitSections(nodes, lineOf);
  const sections: Partial<Record<SectionName, Section>> = {};
  const sectionNodes: Partial<Record<SectionName, RootContent[]>> = {};
  for (const group of groups) {
    const content = trimBreaks(group.nodes);
    if (!content.some(hasText)) continue;
    const markdown = sliceSource(source, content);
    const existing = sections[group.name];
    if (existing) {
      problems.push({
        file,
        line: group.line ?? lineOf(content[0]!),
        severity: 'warning',
        message: `a second ${SECTION_LABEL[group.name]} section; it was joined to the first, merge them or rename one`,
      });
      existing.markdown += `\n\n${markdown}`;
      existing.spokenSec += spokenSeconds(plainText(content));
      sectionNodes[group.name]!.push(...content);
      continue;
    }
    sections[group.name] = { markdown, line: group.line ?? lineOf(content[0]!), spokenSec: spokenSeconds(plainText(content)) };
    sectionNodes[group.name] = content;
  }

  let keyPoints = listItemsOf(sectionNodes.keyPoints ?? []);
  let keyPointsSource: Card['keyPointsSource'] = keyPoints.length > 0 ? 'section' : 'none';
  if (keyPoints.length === 0) {
    const spoken = sectionNodes.short ?? sectionNodes.answer ?? sectionNodes.full ?? [];
    keyPoints = boldPhrases(spoken);
    if (keyPoints.length > 0) keyPointsSource = 'emphasis';
  }

  const tags = meta.tags;
  const limit = meta.timeSec !== undefined ? { seconds: meta.timeSec, source: 'front-matter' as const } : fromTags(tags);
  const pathId = file.replace(/\.(md|markdown)$/i, '');
  const derivedId = onlyQuestionInFile ? pathId : `${pathId}#${shortHash(normalizeQuestion(draft.question))}`;
  const id = (onlyQuestionInFile ? meta.id : undefined) ?? commentId ?? derivedId;
  const idSource: Card['idSource'] = onlyQuestionInFile && meta.id ? 'front-matter' : commentId ? 'comment' : 'derived';

  return {
    id,
    idSource,
    question: draft.question,
    tags,
    company: meta.company ?? null,
    timeLimitSec: limit.seconds,
    timeLimitSource: limit.source,
    file,
    line: draft.line,
    sections,
    keyPoints,
    keyPointsSource,
    followUps: listItemsOf(sectionNodes.followUps ?? []),
    contentHash: shortHash(nodes.length > 0 ? normalizeBody(sliceSource(source, nodes)) : ''),
  };
}

const SECTION_LABEL: Record<SectionName, string> = {
  keyPoints: 'key points',
  short: 'short version',
  full: 'full version',
  answer: 'answer',
  notes: 'notes',
  followUps: 'follow-up questions',
};

function fromTags(tags: string[]): { seconds: number; source: 'tag' | 'default' } {
  const d = defaultTimeLimit(tags);
  return { seconds: d.seconds, source: d.fromTag ? 'tag' : 'default' };
}

interface SectionGroup {
  name: SectionName;
  line: number | undefined;
  nodes: RootContent[];
}

/** Groups nodes by section heading; `line` is the heading's file line (lineOf adds the front matter's lines). */
function splitSections(nodes: RootContent[], lineOf: (node: RootContent) => number): SectionGroup[] {
  const groups: SectionGroup[] = [{ name: 'answer', line: undefined, nodes: [] }];
  for (const node of nodes) {
    const name = node.type === 'heading' ? sectionForHeading(toString(node)) : undefined;
    if (name) groups.push({ name, line: lineOf(node), nodes: [] });
    else groups.at(-1)!.nodes.push(node);
  }
  return groups;
}

function trimBreaks(nodes: RootContent[]): RootContent[] {
  let start = 0;
  let end = nodes.length;
  while (start < end && !hasText(nodes[start]!)) start++;
  while (end > start && !hasText(nodes[end - 1]!)) end--;
  return nodes.slice(start, end);
}

/** Anything a person would say or read; comments and rules are not. */
function hasText(node: RootContent): boolean {
  if (node.type === 'html' || node.type === 'thematicBreak') return false;
  return plainText([node]).trim() !== '';
}

function plainText(nodes: RootContent[]): string {
  return nodes
    .filter((n) => n.type !== 'html')
    .map((n) => toString(n, { includeHtml: false }))
    .join('\n');
}

function sliceSource(source: string, nodes: RootContent[]): string {
  const start = nodes[0]?.position?.start.offset ?? 0;
  const end = nodes.at(-1)?.position?.end.offset ?? start;
  return source.slice(start, end).trim();
}

function listItemsOf(nodes: RootContent[]): string[] {
  const items: string[] = [];
  for (const node of nodes) {
    if (node.type === 'list') {
      for (const item of (node as List).children as ListItem[]) {
        const lead = item.children.find((c) => c.type !== 'list');
        const text = (lead ? toString(lead) : toString(item)).replace(/\s+/g, ' ').trim();
        if (text) items.push(text);
      }
    } else if (hasText(node) && node.type !== 'heading') {
      for (const line of plainText([node]).split('\n')) if (line.trim()) items.push(line.trim());
    }
  }
  return items;
}

/** Bold phrases in document order; the same phrase bolded twice (any case) counts once. */
function boldPhrases(nodes: RootContent[]): string[] {
  const found = new Map<string, string>();
  const visit = (node: { type: string; children?: unknown[] }) => {
    if (node.type === 'strong') {
      const text = toString(node as RootContent).replace(/\s+/g, ' ').replace(/[:：]\s*$/u, '').trim();
      const key = text.normalize('NFKC').toLowerCase();
      if (text && !found.has(key)) found.set(key, text);
      return;
    }
    for (const child of (node.children ?? []) as { type: string }[]) visit(child);
  };
  nodes.forEach((n) => visit(n));
  return [...found.values()];
}

function normalizeBody(markdown: string): string {
  return markdown
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .trim();
}

function shortHash(text: string): string {
  return hash('sha256', text, 'hex').slice(0, 12); // one-shot: no Hash object per card
}
