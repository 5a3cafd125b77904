/**
 * Interview notes, as people keep them, → question drafts ready for serializeAnswer, plus the
 * text that belongs to no question. Pure: text in, data out; `prep import` does the rest.
 *
 * Shapes read (see the README, `prep import`): markdown headings, plain question lines with the answer
 * under them, numbered or bulleted question lists with nested answers, `Q:`/`A:` lines,
 * <details><summary>, STAR steps, full/short versions and notes (English and Chinese labels),
 * YAML front matter.
 */
import type { SectionName } from '../core/card.js';
import { normalizeTag } from '../core/time-limits.js';
import { readFrontMatter } from '../markdown/front-matter.js';
import { cleanTitle, isStarStep, isTopicForm, isWordQuestion, placeholder, stripNumbering } from './cues.js';
import { scanHeadings } from './headings.js';
import { tokenize, type Line } from './lines.js';
import { companyFromTitle, companyLine, companySwitch, employerNamedIn, roundFromTitle, tagsLine } from './meta.js';
import { renderLines, buildAnswer } from './sections.js';
import type { Draft, Structure } from './scan.js';

export interface ImportedQuestion {
  question: string;
  /** 1-based line of the question in the notes. */
  line: number;
  tags: string[];
  company: string | null;
  /** Time limit in seconds from the notes' front matter (`time: 2m`); absent: from the tags, as usual. */
  timeSec?: number;
  /** Markdown of each section, ready for serializeAnswer. No spoken section → "to prepare". */
  sections: Partial<Record<SectionName, string>>;
  /** Every notes line this card was made from (question, answer, labels). */
  lines: number[];
}

export interface NotesLine {
  line: number;
  text: string;
}

export interface NotesImport {
  questions: ImportedQuestion[];
  /** Non-blank lines that belong to no question ("could not place"), in file order. */
  unplaced: NotesLine[];
  /** Lines read as structure rather than text: section titles, labels, markers, the notes' title. */
  structure: Array<NotesLine & { role: Structure['role'] }>;
  /** Company named by the notes' title, a `Company:` line or the front matter, if any. */
  company: string | null;
  /** Tags named by a `Tags:` line or the front matter, if any. */
  tags: string[];
  /**
   * Short title-like lines kept inside the answer above them ("靠谱 Reliable" after one blank line,
   * over its own bullets), with the question whose answer took them, in file order: the user may
   * mean a question of its own.
   */
  keptInAnswers: Array<NotesLine & { question: string }>;
}

export function importNotes(text: string): NotesImport {
  const all = tokenize(text);
  const front = frontMatterOf(text, all);
  const lines = front ? all.slice(front.lines.length) : all;
  const employer = employerNamedIn(
    lines.filter((l) => !l.blank && !l.opaque).map((l) => l.text),
    front?.company !== undefined ? [front.company] : [],
  );
  const scanned = front?.question
    ? { drafts: [answerFileDraft(front.question, lines)], unplaced: [], structure: [], kept: [] }
    : scanHeadings(lines, { tags: [], company: null, depth: 0, employer });
  if (front) scanned.structure.push(...front.lines.map((line) => ({ line, role: 'meta' as const })));
  if (scanned.drafts.length === 0) {
    const story = starStory(lines);
    if (story) {
      scanned.drafts.push(story);
      scanned.unplaced = [];
      scanned.structure = [];
      scanned.kept = [];
    }
  }
  const structure: Structure[] = [...scanned.structure];

  // The notes' own title and metadata lines, among the text outside questions.
  let company: string | null = front?.company ?? null;
  let tags: string[] = front?.tags ?? [];
  // The round a company title names ("字节跳动 二面", "Hooli — phone screen") tags that company's cards.
  let roundTags: string[] = [];
  const first = lines.find((l) => !l.blank);
  const unplaced: Line[] = [];
  const titleText = first && scanned.unplaced.includes(first) ? first.text : undefined;
  const fromTitle = titleText !== undefined ? companyFromTitle(titleText) : undefined;
  const roundTag = (title: string) => [roundFromTitle(title)].filter((t): t is string => t !== undefined);
  if (fromTitle) {
    company = fromTitle;
    roundTags = roundTag(titleText!);
  }
  for (const line of scanned.unplaced) {
    if (line.blank) continue;
    const named = companyLine(line.text);
    const tagged = tagsLine(line.text);
    if (named) {
      company = named;
      structure.push({ line, role: 'meta' });
    } else if (tagged) {
      tags = [...new Set([...tags, ...tagged])];
      structure.push({ line, role: 'meta' });
    } else if (fromTitle && line.text === titleText) {
      structure.push({ line, role: 'title' });
    } else unplaced.push(line);
  }
  if (!company) {
    // A title line ("Hooli — phone screen", "Initech interview notes") before the first question.
    const firstQuestion = scanned.drafts.reduce((min, d) => Math.min(min, d.questionLines[0]!.no), Infinity);
    // (Company: and Tags: lines were taken above, so only a title can name the company here.)
    for (const line of unplaced) {
      const named = line.no < firstQuestion ? companySwitch(line.text) : undefined;
      if (!named) continue;
      company = named.company;
      roundTags = named.round ? [named.round] : [];
      unplaced.splice(unplaced.indexOf(line), 1);
      structure.push({ line, role: 'title' });
      break;
    }
  }
  if (!company) {
    const titled = scanned.structure.find((s) => s.role === 'title' && s.line === first);
    if (titled) company = companyFromTitle(titled.line.heading?.text ?? titled.line.text) ?? null;
  }

  const questions: ImportedQuestion[] = [];
  const questionOf = new Map<Draft, ImportedQuestion>();
  for (const draft of scanned.drafts) {
    const question = questionText(draft);
    if (question === '') {
      unplaced.push(...draft.questionLines, ...draft.content.filter((l) => !l.blank));
      continue;
    }
    const built = draft.sections ? { sections: draft.sections, labels: [] } : buildAnswer(draft.content);
    for (const label of built.labels) structure.push({ line: label, role: 'label' });
    const sections = { ...built.sections };
    for (const name of ['answer', 'short', 'full', 'keyPoints'] as const) {
      // "TBD", "TODO: …", "待补充", "...": not an answer yet; the card is "to prepare".
      const text = sections[name];
      const rest = text === undefined ? undefined : placeholder(text);
      if (rest === undefined) continue;
      delete sections[name];
      if (rest !== '') sections.notes = sections.notes ? `${text}\n\n${sections.notes}` : text;
      else if (draft.kind === 'table') structure.push({ line: draft.questionLines[0]!, role: 'marker' });
      else for (const line of draft.content) if (!line.blank && placeholder(line.text) === '') structure.push({ line, role: 'marker' });
    }
    const context = renderLines(draft.context);
    if (context !== '') sections.notes = sections.notes ? `${context}\n\n${sections.notes}` : context;
    // A card whose company its own part of the notes names ("Meta — phone screen" further down)
    // takes its round from there, not from the notes' title.
    const draftTags = [...new Set([...draft.tags, ...(draft.company ? [] : roundTags), ...tags])];
    const imported: ImportedQuestion = {
      question,
      line: draft.questionLines[0]!.no,
      tags: draftTags,
      company: draft.company ?? company,
      ...(front?.timeSec !== undefined ? { timeSec: front.timeSec } : {}),
      sections,
      lines: [...new Set([...draft.questionLines, ...draft.context, ...draft.content].filter((l) => !l.blank).map((l) => l.no))].sort((a, b) => a - b),
    };
    questions.push(imported);
    questionOf.set(draft, imported);
  }
  questions.sort((a, b) => a.line - b.line);

  const byLine = (a: NotesLine, b: NotesLine) => a.line - b.line;
  const seenStructure = new Set<string>();
  return {
    questions,
    // Separators (---, ***) and other lines without letters or digits are not text anyone would miss.
    unplaced: dedupe(unplaced.filter((l) => /[\p{L}\p{N}]/u.test(l.text)).map((l) => ({ line: l.no, text: l.raw.trim() }))).sort(byLine),
    structure: structure
      .filter((s) => {
        const key = `${s.line.no}:${s.role}`;
        return seenStructure.has(key) ? false : (seenStructure.add(key), true);
      })
      .map((s) => ({ line: s.line.no, text: s.line.raw.trim(), role: s.role }))
      .sort(byLine),
    company,
    tags,
    // Only lines that did end up in that question's card (not moved out as an aside, say).
    keptInAnswers: dedupe(scanned.kept
      .flatMap(({ line, draft }) => {
        const q = questionOf.get(draft);
        return q && q.lines.includes(line.no) ? [{ line: line.no, text: line.raw.trim(), question: q.question }] : [];
      }))
      .sort(byLine),
  };
}

function questionText(draft: Draft): string {
  const text = draft.kind === 'q' || draft.kind === 'details' || draft.kind === 'table' ? draft.question : stripNumbering(cleanTitle(draft.question));
  return text.replace(/\s+/gu, ' ').replace(/\s*[:：]$/u, '').trim();
}

/**
 * A file that is one STAR story: its first line names the question, without a question mark
 * ("A time I handled a difficult stakeholder"), and the rest is told in steps (Situation, Task, …).
 */
function starStory(lines: Line[]): Draft | undefined {
  const first = lines.find((l) => !l.blank && !l.opaque);
  if (!first || first.item || first.block !== undefined) return undefined;
  const title = first.heading ? first.heading.text : first.text;
  if (!isTopicForm(title) && !isWordQuestion(title)) return undefined;
  const rest = lines.slice(lines.indexOf(first) + 1);
  const steps = new Set(
    rest.flatMap((l) => {
      if (l.blank || l.opaque) return [];
      const text = l.heading ? l.heading.text : (l.item?.content ?? l.text);
      const head = /^(?:\*\*|__)?([^:：*_]{1,30}?)(?:\*\*|__)?\s*(?:[:：]|$)/u.exec(text)?.[1] ?? text;
      return isStarStep(text) || isStarStep(head) ? [cleanTitle(head).toLowerCase().replace(/[^\p{L}]/gu, '').slice(0, 4)] : [];
    }),
  );
  if (steps.size < 2) return undefined;
  return { question: title, questionLines: [first], tags: [], company: null, content: rest, context: [], kind: 'title' };
}

interface NotesFrontMatter {
  /** The front matter's lines, from the opening --- to the closing one. */
  lines: Line[];
  company?: string;
  tags: string[];
  /** `time:`, in seconds. */
  timeSec?: number;
  /** `question:` (with its line): the notes are an answer file, one card. */
  question?: { text: string; line: Line };
}

/**
 * YAML front matter at the top of the notes (Obsidian notes have it; so do prep's own answer
 * files): its `company:`, `tags:` and `time:` apply to every card, and it is metadata, not text to place.
 * Front matter that is not valid YAML is left to be read as text.
 */
function frontMatterOf(text: string, lines: Line[]): NotesFrontMatter | undefined {
  const source = text.replace(/^\uFEFF/u, '').replace(/\r\n?/gu, '\n');
  if (!/^---[ \t]*\n/u.test(source)) return undefined;
  const read = readFrontMatter(source);
  if (!read.ok || !read.hasFrontMatter) return undefined;
  const block = lines.slice(0, read.bodyLineOffset);
  const { company, tags, timeSec, question, questionLine } = read.data;
  const questionAt = question !== undefined ? block.find((l) => l.no === questionLine) : undefined;
  return {
    lines: block,
    ...(company !== undefined ? { company } : {}),
    tags: [...new Set(tags.map(normalizeTag))],
    ...(timeSec !== undefined ? { timeSec } : {}),
    ...(question !== undefined && questionAt ? { question: { text: question, line: questionAt } } : {}),
  };
}

/** The body of an answer file whose front matter names the question: all of it is the answer. */
function answerFileDraft(question: { text: string; line: Line }, body: Line[]): Draft {
  return { question: question.text, questionLines: [question.line], tags: [], company: null, content: body, context: [], kind: 'q' };
}

function dedupe<T extends NotesLine>(lines: T[]): T[] {
  const seen = new Set<number>();
  return lines.filter((l) => (seen.has(l.line) ? false : (seen.add(l.line), true)));
}
