/**
 * Questions in text without headings: by indentation, list runs and line shapes. Pure.
 *
 * A block of lines is cut into units: a line at the block's smallest indent plus the more
 * indented lines under it. Read in order, a unit is
 * - a question title: a line worded as a question ("Why Acme?", "Tell me about…", "为什么…")
 *   starting a paragraph, or a short topic line ("Weakness", "Teamwork or individual work")
 *   directly followed by its answer, when it is a known interview topic, opens the block, or
 *   follows two blank lines (one after a single blank line, heading a list of its own, stays in
 *   the answer open above it, and is reported as `kept`);
 * - a `Q:` line (its answer after `A:`), or a <details> block (<summary> is the question);
 * - an item of a question list: a run of list items (1. 2. 3., a. b. c., - - -) most of which
 *   are questions; every item of the run is one, and what follows it at the same indent or
 *   under it, up to the next item, is its answer;
 * - otherwise, the answer of the question open at this level, or, when none is, text that
 *   belongs to no question: if questions are found under it, it is their section title
 *   (a tag when short); else it is reported as "could not place". When a nested block has
 *   exactly one question, the text before it is kept as that question's context.
 */
import { aLine, calloutRole, cleanTitle, isAskThemTitle, isInterviewTopic, isLeadIn, isQuestionForm, isStarStep, isStrongQuestion, isTopicForm, isWordQuestion, qLine, sectionLabel } from './cues.js';
import { isRule, type Line } from './lines.js';
import { companySwitch, tagFromTitle } from './meta.js';
import { withText } from './sections.js';
import { readTable } from './table.js';
import type { SectionName } from '../core/card.js';

export interface Draft {
  question: string;
  /** Source lines of the question text. */
  questionLines: Line[];
  tags: string[];
  company: string | null;
  /** The answer's lines, labels included, in order. */
  content: Line[];
  /** Text before the question that sets it up (kept in notes). */
  context: Line[];
  /** How it was recognised, for the tie-breaks below and for tests. */
  kind: 'title' | 'topic' | 'item' | 'q' | 'details' | 'heading' | 'table';
  /** Sections read directly (a table row's cells) rather than built from `content`. */
  sections?: Partial<Record<SectionName, string>>;
}

export interface Structure {
  line: Line;
  role: 'category' | 'label' | 'marker' | 'title' | 'meta';
}

/**
 * A short topic line ("靠谱 Reliable", "Curious") that would have been a question title but was
 * kept in the answer open above it, because it follows only one blank line: a guess the user
 * should hear about.
 */
export interface Kept {
  line: Line;
  /** The question whose answer it joined. */
  draft: Draft;
}

export interface ScanResult {
  drafts: Draft[];
  unplaced: Line[];
  structure: Structure[];
  kept: Kept[];
}

export interface ScanContext {
  tags: string[];
  company: string | null;
  /** 0 for the top of a file; more inside list items and under headings. */
  depth: number;
  /** The company a bare section title names, when the notes show it is one (see employerNamedIn). */
  employer?: (title: string) => string | undefined;
}

interface Unit {
  head: Line;
  /** Lines under the head (more indented, or inside its block), blank lines included. */
  children: Line[];
  blankBefore: number;
  kind: 'plain' | 'item' | 'q' | 'a' | 'details' | 'table' | 'block';
  run?: Run;
}

interface Run {
  family: string;
  units: Unit[];
  lastOrdinal: number | null;
  role?: 'question' | 'topic' | null;
  /** Some item's answer is a paragraph at the item's own indent, after a blank line. */
  paragraphAnswers?: boolean;
}

interface Open {
  draft: Draft;
  unit: Unit;
  hasContent: boolean;
  /** For Q: lines, until the A: line. */
  answerStarted: boolean;
  run?: Run;
  questionForm: boolean;
  /** Where paragraphs after a blank line start in the content of a list-item question. */
  tentativeFrom?: number;
  /** A `Q:` line that cannot go on to the next line. */
  questionDone?: boolean;
}

/** An `A:` line comes later in the same paragraph (so the lines before it still ask the question). */
function answerLabelFollows(list: Unit[], i: number): boolean {
  for (let k = i + 1; k < list.length; k++) {
    const u = list[k]!;
    if (u.blankBefore > 0 || u.kind === 'q') return false;
    if (u.kind === 'a') return true;
  }
  return false;
}

/** The question of a `Q:` line or a question callout. */
function questionOfQ(line: Line): string {
  if (line.callout !== undefined) return line.text;
  if (line.letterLabel) return line.letterLabel.labelled;
  return qLine(line.item ? line.item.content : line.text)!;
}

export function emptyResult(): ScanResult {
  return { drafts: [], unplaced: [], structure: [], kept: [] };
}

export function mergeInto(target: ScanResult, source: ScanResult): void {
  target.drafts.push(...source.drafts);
  target.unplaced.push(...source.unplaced);
  target.structure.push(...source.structure);
  target.kept.push(...source.kept);
}

const hasText = (lines: readonly Line[]) => lines.some((l) => !l.blank && /[\p{L}\p{N}]/u.test(l.text));

function units(lines: readonly Line[]): Unit[] {
  const structural = lines.filter((l) => !l.blank && !l.opaque);
  if (structural.length === 0) return [];
  const base = Math.min(...structural.map((l) => l.indent));
  const out: Unit[] = [];
  let blanks = 0;
  for (const line of lines) {
    if (line.blank && !line.opaque) {
      blanks++;
      if (out.length > 0) out.at(-1)!.children.push(line);
      continue;
    }
    if ((line.opaque || line.indent > base) && out.length > 0) {
      out.at(-1)!.children.push(line);
      blanks = 0;
      continue;
    }
    out.push({ head: line, children: [], blankBefore: out.length === 0 ? Infinity : blanks, kind: unitKind(line) });
    blanks = 0;
  }
  return out;
}

function unitKind(line: Line): Unit['kind'] {
  if (line.block === 'details') return 'details';
  if (line.block === 'table') return 'table';
  if (line.block !== undefined || line.heading) return 'block';
  const role = calloutRole(line.callout);
  if (role === 'q') return 'q';
  if (role === 'a') return 'a';
  if (line.callout !== undefined) return 'plain';
  if (line.letterLabel) return line.letterLabel.role;
  const text = line.item ? line.item.content : line.text;
  if (qLine(text) !== undefined) return 'q';
  if (aLine(text) !== undefined) return 'a';
  return line.item ? 'item' : 'plain';
}

function buildRuns(list: Unit[]): void {
  const ordered = new Map<string, Run>();
  let bullets: Run | undefined;
  for (const unit of list) {
    if (unit.kind !== 'item') {
      if (unit.kind !== 'block') bullets = undefined;
      continue;
    }
    const marker = unit.head.item!;
    if (marker.ordinal === null) {
      if (!bullets || bullets.family !== marker.family) bullets = { family: marker.family, units: [], lastOrdinal: null };
      bullets.units.push(unit);
      unit.run = bullets;
      continue;
    }
    bullets = undefined;
    let run = ordered.get(marker.family);
    if (!run || run.lastOrdinal === null || marker.ordinal !== run.lastOrdinal + 1) {
      run = { family: marker.family, units: [], lastOrdinal: null };
      ordered.set(marker.family, run);
    }
    run.units.push(unit);
    run.lastOrdinal = marker.ordinal;
    unit.run = run;
  }
}

/** A run most of whose items are questions; or of short topics, each with its own nested answer. */
function runRole(run: Run, ctx: ScanContext): 'question' | 'topic' | null {
  if (run.role !== undefined) return run.role;
  const items = run.units.map((u) => u.head.item!.content);
  const questions = items.filter((t) => isQuestionForm(t)).length;
  let role: Run['role'] = null;
  if (questions > 0 && questions * 2 >= items.length) role = 'question';
  else if (
    run.units.every((u) => isTopicForm(u.head.item!.content) && !isStarStep(u.head.item!.content) && hasText(u.children)) &&
    (run.units.length >= 2 || isInterviewTopic(items[0]!)) &&
    run.units.every((u) => scanBlock(u.children, { ...ctx, depth: ctx.depth + 1 }).drafts.length === 0)
  ) {
    role = 'topic';
  }
  run.role = role;
  return role;
}

/** First content line right under the unit, with no blank line between. */
function followedDirectly(list: Unit[], i: number): Line | undefined {
  const unit = list[i]!;
  if (unit.children.length > 0) return unit.children[0]!.blank ? undefined : unit.children[0];
  const next = list[i + 1];
  return next && next.blankBefore === 0 ? next.head : undefined;
}

/**
 * How the plain unit `list[i]` opens a question, if it does. 'kept': it has a topic title's shape
 * and heads a list of its own, but an answer is open above it and only one blank line comes before
 * it, so it stays in that answer (the caller reports it).
 */
function titleKind(list: Unit[], i: number, open: Open | undefined): Draft['kind'] | 'kept' | undefined {
  const unit = list[i]!;
  if (unit.kind !== 'plain') return undefined;
  const text = cleanTitle(unit.head.text);
  if (isStarStep(text) || sectionLabel(text, false)) return undefined;
  const paragraphStart = unit.blankBefore > 0 || i === 0;
  // "Questions to ask them:" over a list: one card, the list its answer.
  if (paragraphStart && isAskThemTitle(text)) return 'topic';
  const strong = isStrongQuestion(text);
  if (strong) {
    // A run of question lines: each is a question ("Why Acme?\nWhy now?").
    const afterBareQuestion = open !== undefined && !open.hasContent && open.unit === list[i - 1] && isStrongQuestion(open.unit.head.text);
    const asks = isWordQuestion(text) || /^(?:do|does|did|are|is|can|could|would|will|have|has|should|were|was|where|when|who|whom|which|if)\b/iu.test(text) || /^\p{Script=Han}/u.test(text);
    if (paragraphStart || (afterBareQuestion && asks)) return 'title';
    return undefined;
  }
  if (!paragraphStart) return undefined;
  if (isWordQuestion(text)) return 'title';
  if (!isTopicForm(text)) return undefined;
  const next = followedDirectly(list, i);
  if (!next) return undefined;
  // "We delivered the feature within\none week…": a wrapped sentence, not a title.
  if (!next.item && /^[a-z]/u.test(next.text)) return undefined;
  if (isInterviewTopic(text) || open === undefined || unit.blankBefore >= 2) return 'topic';
  // Worth reporting only when it heads a list of its own ("靠谱 Reliable\n* 做事放心") and does not
  // lead into it ("For example", "Three reasons:", "比如"); a prose paragraph is just more answer.
  return next.item && !isLeadIn(text) ? 'kept' : undefined;
}

/**
 * The tag or company that the line right above the list item `list[i]` gives the list, when that
 * line is a title: a paragraph of one short line ("Behavioural", "字节跳动") that is not a
 * question, a STAR step or a section label, and reads as a tag or a company of these notes.
 */
function listTitleAbove(list: Unit[], i: number, ctx: ScanContext): { tag?: string; company?: string } | undefined {
  const prev = list[i - 1];
  if (!prev || prev.kind !== 'plain' || prev.blankBefore === 0 || list[i]!.blankBefore !== 0 || prev.children.length > 0) return undefined;
  const text = prev.head.text;
  if (!isTopicForm(text) || isQuestionForm(text) || isStarStep(text) || sectionLabel(text, false)) return undefined;
  const company = ctx.employer?.(text);
  const tag = company ? undefined : tagFromTitle(text);
  return company || tag ? { tag, company } : undefined;
}

function newDraft(question: string, questionLines: Line[], ctx: ScanContext, kind: Draft['kind']): Draft {
  return { question, questionLines, tags: [...ctx.tags], company: ctx.company, content: [], context: [], kind };
}

/** <details><summary>Question</summary> answer </details> → a draft. */
function detailsDraft(unit: Unit, ctx: ScanContext, structure: Structure[]): Draft | undefined {
  const lines = [unit.head, ...unit.children.filter((l) => l.opaque)];
  const joined = lines.map((l) => l.raw).join('\n');
  const m = /<summary[^>]*>([\s\S]*?)<\/summary\s*>/iu.exec(joined);
  if (!m) return undefined;
  const question = m[1]!.replace(/<[^>]+>/gu, ' ').replace(/\s+/gu, ' ').trim();
  const summaryEnd = m.index + m[0].length;
  const content: Line[] = [];
  let offset = 0;
  for (const line of lines) {
    const start = offset;
    const end = offset + line.raw.length;
    offset = end + 1;
    let raw = line.raw;
    if (end <= summaryEnd) {
      structure.push({ line, role: 'marker' });
      continue;
    }
    if (start < summaryEnd) raw = raw.slice(summaryEnd - start);
    if (line === lines.at(-1)) raw = raw.replace(/<\/details\s*>\s*$/iu, '');
    raw = raw.replace(/^\s*<details[^>]*>/iu, '');
    const cleaned = withText({ ...line, raw }, raw.trim());
    // Keep the original indentation so nested lists survive; re-tokenise list markers lightly.
    const copy: Line = { ...cleaned, raw, indent: line.indent, opaque: false, blank: raw.trim() === '' };
    if (copy.blank && line.text !== '' && !/[\p{L}\p{N}]/u.test(raw)) structure.push({ line, role: 'marker' });
    content.push(copy);
  }
  const draft = newDraft(question, [unit.head], ctx, 'details');
  draft.content = content;
  return question === '' ? undefined : draft;
}

export function scanBlock(lines: readonly Line[], ctx: ScanContext): ScanResult {
  const outer = ctx;
  const result = emptyResult();
  const list = units(lines);
  buildRuns(list);
  const direct: Draft[] = [];
  const before: Line[] = [];
  const after: Line[] = [];
  let open: Open | undefined;
  // The tag a titled question list ("Technical questions:") gives every item of the run, or the
  // company its title names ("Google:" in notes that ask why join Google).
  const runTag = new Map<Run, string>();
  const runCompany = new Map<Run, string>();

  // Some question before the last has prose after its list-shaped answer: that is how these notes
  // answer, so the last question's trailing prose is its answer too.
  let asidesAnswer = false;
  const close = (final = false) => {
    if (open) {
      const { draft, run, unit, tentativeFrom } = open;
      if (run && tentativeFrom !== undefined) {
        // Text after the last item of a list, at the list's indent, after a blank line, is the
        // answer only if the other items are answered the same way; otherwise it is not placed.
        if (unit !== run.units.at(-1)) run.paragraphAnswers = true;
        else if (!run.paragraphAnswers) after.push(...draft.content.splice(tentativeFrom));
      } else if (!run && draft.kind !== 'details') {
        const aside = trailingAside(draft.content);
        if (aside !== undefined && !final) asidesAnswer = true;
        else if (aside !== undefined && !asidesAnswer) after.push(...draft.content.splice(aside));
      }
      direct.push(draft);
    }
    open = undefined;
  };
  const addContent = (unit: Unit, head: Line = unit.head) => {
    if (open!.run && open!.tentativeFrom === undefined && unit.kind === 'plain' && unit.blankBefore > 0) open!.tentativeFrom = open!.draft.content.length;
    open!.draft.content.push(head, ...unit.children);
    if (hasText([head, ...unit.children])) open!.hasContent = true;
  };
  const loose = (line: Line[]) => (direct.length === 0 && open === undefined ? before : after).push(...line);
  const openDraft = (unit: Unit, question: string, kind: Draft['kind'], run?: Run) => {
    close();
    const draft = newDraft(cleanTitle(question), [unit.head], ctx, kind);
    const tag = run ? runTag.get(run) : undefined;
    if (tag && !draft.tags.includes(tag)) draft.tags.push(tag);
    draft.company = (run && runCompany.get(run)) ?? draft.company;
    open = { draft, unit, hasContent: false, answerStarted: kind !== 'q', run, questionForm: isQuestionForm(question) };
    if (kind !== 'q') {
      draft.content.push(...unit.children);
      if (hasText(unit.children)) open.hasContent = true;
    }
  };
  /** A unit outside any question: look for questions under it. */
  const nested = (unit: Unit) => {
    if (hasText(unit.children)) {
      const title = unit.kind === 'plain' || unit.kind === 'item' ? (unit.head.item?.content ?? unit.head.text) : undefined;
      const company = title !== undefined ? ctx.employer?.(title) : undefined;
      const tag = title !== undefined && !company ? tagFromTitle(title) : undefined;
      const sub = scanBlock(unit.children, { ...ctx, tags: tag ? [...ctx.tags, tag] : ctx.tags, company: company ?? ctx.company, depth: ctx.depth + 1 });
      if (sub.drafts.length > 0) {
        if (company) result.structure.push({ line: unit.head, role: 'title' });
        else if (tag) result.structure.push({ line: unit.head, role: 'category' });
        else loose([unit.head]);
        mergeInto(result, sub);
        return;
      }
    }
    loose([unit.head, ...unit.children]);
  };

  for (let i = 0; i < list.length; i++) {
    const unit = list[i]!;
    switch (unit.kind) {
      case 'details': {
        const draft = detailsDraft(unit, ctx, result.structure);
        if (draft) {
          close();
          direct.push(draft);
        } else if (open) addContent(unit);
        else loose([unit.head, ...unit.children]);
        break;
      }
      case 'table': {
        const table = readTable([unit.head, ...unit.children.filter((l) => l.opaque)]);
        if (!table) {
          if (open) addContent(unit);
          else loose([unit.head, ...unit.children]);
          break;
        }
        if (open && !open.hasContent && !open.questionForm && open.draft.kind !== 'q') {
          // "Questions they asked:" over the table names it.
          const tag = tagFromTitle(open.unit.head.text);
          result.structure.push({ line: open.unit.head, role: tag ? 'category' : 'title' });
          open = undefined;
        }
        close();
        const last = list[i - 1];
        if (last && last.kind === 'plain' && !hasText(last.children) && /[:：]$/u.test(last.head.text) && isTopicForm(last.head.text)) {
          // "Questions they asked:" just before the table is its title.
          for (const pile of [before, after]) {
            const at = pile.lastIndexOf(last.head);
            if (at !== -1 && pile.slice(at + 1).every((l) => l.blank)) pile.splice(at, 1);
          }
          result.structure.push({ line: last.head, role: 'title' });
        }
        for (const line of table.structure) result.structure.push({ line, role: 'marker' });
        loose(table.unplaced);
        for (const row of table.rows) {
          const draft = newDraft(row.question, [row.line], ctx, 'table');
          draft.sections = row.sections;
          direct.push(draft);
        }
        break;
      }
      case 'q': {
        const text = questionOfQ(unit.head);
        openDraft(unit, text, 'q');
        const current = open!;
        // "**Q1. Why…?**", "Q: Describe your last project." : the question is complete on its line.
        current.questionDone = (unit.head.callout !== undefined && text !== '') || /^(?:\*\*|__).*(?:\*\*|__)$/u.test(unit.head.text) || /[.。!！?？:：]$/u.test(text);
        // The answer may sit under the Q line (indented) rather than after an A: line.
        if (hasText(unit.children)) {
          current.answerStarted = true;
          current.draft.content.push(...unit.children);
          current.hasContent = true;
        }
        break;
      }
      case 'a': {
        const text = unit.head.callout !== undefined ? unit.head.text : (unit.head.letterLabel?.labelled ?? aLine(unit.head.item ? unit.head.item.content : unit.head.text)!);
        // The A: label that starts an answer is a marker, after a Q: line or any other question
        // ("1、讲一下你的项目" then "答：…").
        if (open && (open.draft.kind === 'q' ? !open.answerStarted : !open.hasContent)) {
          open.answerStarted = true;
          result.structure.push({ line: unit.head, role: 'marker' });
          addContent(unit, withText(unit.head, text));
        } else if (open) addContent(unit);
        else loose([unit.head, ...unit.children]);
        break;
      }
      case 'item': {
        const run = unit.run!;
        const role = runRole(run, ctx);
        const content = unit.head.item!.content;
        if ((role === 'question' || role === 'topic') && !(open && isAskThemTitle(open.draft.question) && open.unit !== unit)) {
          const title = role === 'question' && run.units[0] === unit ? listTitleAbove(list, i, ctx) : undefined;
          const pile = open ? open.draft.content : direct.length === 0 ? before : after;
          if (title && open?.unit !== list[i - 1] && pile.at(-1) === list[i - 1]!.head) {
            // "Behavioural\n1. Tell me about…": a title line right above a new question list, after
            // an answer, names that list; it is not the end of the answer before it.
            pile.pop();
            result.structure.push({ line: list[i - 1]!.head, role: title.company ? 'title' : 'category' });
            if (title.tag) runTag.set(run, title.tag);
            if (title.company) runCompany.set(run, title.company);
            openDraft(unit, content, 'item', run);
            break;
          }
          if (!open || open.run === run || (open.run && open.run !== run && role === 'question')) {
            openDraft(unit, content, role === 'question' ? 'item' : 'topic', run);
            break;
          }
          if (role === 'question' && (open.draft.kind === 'title' || open.draft.kind === 'topic') && !open.hasContent && !open.questionForm) {
            // "Technical questions:\n1. What is…?\n2. How…?": the title names the list.
            const company = ctx.employer?.(open.unit.head.text);
            const tag = company ? undefined : tagFromTitle(open.unit.head.text);
            result.structure.push({ line: open.unit.head, role: tag ? 'category' : 'title' });
            open = undefined;
            if (tag) runTag.set(run, tag);
            if (company) runCompany.set(run, company);
            openDraft(unit, content, 'item', run);
            break;
          }
        }
        if (open) {
          if (open.draft.kind === 'q' && !open.answerStarted) open.answerStarted = true;
          addContent(unit);
        } else nested(unit);
        break;
      }
      case 'plain': {
        // A title stands alone: "Google onsite\nWent well." is a paragraph of an answer.
        const alone = i > 0 && unit.blankBefore > 0 && !hasText(unit.children) && followedDirectly(list, i) === undefined;
        const switched = alone ? companySwitch(unit.head.text) : undefined;
        if (switched) {
          // "Meta — phone screen" or "Company: Stripe" between questions: the questions after it
          // are that company's (and that round's), not the answer before it.
          close();
          result.structure.push({ line: unit.head, role: switched.explicit ? 'meta' : 'title' });
          const round = switched.round && !outer.tags.includes(switched.round) ? [switched.round] : [];
          ctx = { ...outer, company: switched.company, tags: [...outer.tags, ...round] };
          break;
        }
        const kind = titleKind(list, i, open);
        if (kind === 'kept') {
          // Only when the answer above has begun: a first paragraph is that answer, not a guess.
          if (open!.hasContent) result.kept.push({ line: unit.head, draft: open!.draft });
        } else if (kind) {
          openDraft(unit, unit.head.text, kind);
          break;
        }
        if (open && open.draft.kind === 'q' && !open.answerStarted) {
          const qText = open.draft.question;
          if (unit.blankBefore === 0 && !open.questionDone && !isStrongQuestion(qText) && !hasText(unit.children) && (qText === '' || answerLabelFollows(list, i))) {
            // "Q: Tell me about a time\nyou failed.\nA: …": the question goes on.
            open.draft.question = `${qText} ${cleanTitle(unit.head.text)}`;
            open.draft.questionLines.push(unit.head);
            break;
          }
          open.answerStarted = true;
        }
        if (open) addContent(unit);
        else nested(unit);
        break;
      }
      case 'block':
        if (open) addContent(unit);
        else loose([unit.head, ...unit.children]);
        break;
    }
  }
  close(true);

  if (direct.length === 1 && ctx.depth > 0 && hasText(before)) {
    direct[0]!.context = [...before];
  } else {
    result.unplaced.push(...before);
  }
  result.unplaced.push(...after);
  result.drafts.unshift(...direct);
  sortDrafts(result.drafts);
  return result;

}

interface Block {
  start: number;
  end: number;
  /** Blank lines before it, and whether a rule (---) stands before it. */
  blanks: number;
  rule: boolean;
}

/** Non-blank runs of `content`, split at blank lines and rules outside code. */
function blocksOf(content: readonly Line[]): Block[] {
  const blocks: Block[] = [];
  let current: Block | undefined;
  let blanks = 0;
  let rule = false;
  content.forEach((line, i) => {
    const separator = !line.opaque && (line.blank || (line.block === undefined && isRule(line.text)));
    if (separator) {
      if (current) blocks.push(current);
      current = undefined;
      if (line.blank) blanks++;
      else rule = true;
      return;
    }
    if (current) current.end = i;
    else {
      current = { start: i, end: i, blanks, rule };
      blanks = 0;
      rule = false;
    }
  });
  if (current) blocks.push(current);
  return blocks;
}

/**
 * Where text that follows an answer without being part of it starts ("Things to ask them: …"
 * after the last answer, a closing paragraph of a write-up), or undefined. It is the run of prose
 * paragraphs at the end of `content` when
 * - the answer before it has another shape (a list, an indented or quoted block, code) and the
 *   prose is no deeper than it, or
 * - it is set off by a rule (---) or two blank lines.
 * Callers use it only for the last question of a block, and only when no earlier question in the
 * same notes is answered that way.
 */
export function trailingAside(content: readonly Line[]): number | undefined {
  const blocks = blocksOf(content);
  if (blocks.length < 2) return undefined;
  const lines = (b: Block) => content.slice(b.start, b.end + 1);
  const prose = (b: Block) =>
    lines(b).every((l) => !l.item && !l.heading && !l.opaque && l.block === undefined && l.callout === undefined && !l.quoted && !isDrawn(l.text)) &&
    hasText(lines(b));
  let k = blocks.length;
  while (k > 1 && prose(blocks[k - 1]!)) k--;
  if (k === blocks.length) return undefined;
  const answer = blocks.slice(0, k);
  if (!hasText(answer.flatMap(lines))) return undefined;
  const aside = blocks[k]!;
  if (aside.rule || aside.blanks >= 2) return aside.start;
  const indent = content[aside.start]!.indent;
  const otherShape = (b: Block) => {
    const ls = lines(b).filter((l) => !l.blank);
    return ls.some((l) => l.item || l.opaque || l.block !== undefined || l.quoted) || ls.every((l) => l.indent > indent);
  };
  return answer.every(otherShape) ? aside.start : undefined;
}

/**
 * A line of a diagram drawn in text ("+-----+", "| API | ---> | DB |", "└──", "  |   v"): it starts
 * with a box edge, or is made of lines and arrows only ("...", "???" are not drawings). A drawing
 * is never a prose aside; it is what an answer shows.
 */
function isDrawn(text: string): boolean {
  return /^(?:[|+](?:[-=|+ ]|$)|[\u2500-\u257F])/u.test(text) || /^(?=.*[|+\-=_/\\<>])[^\p{L}\p{N}]{3,}$/u.test(text);
}

function sortDrafts(drafts: Draft[]): void {
  drafts.sort((a, b) => a.questionLines[0]!.no - b.questionLines[0]!.no);
}
