/**
 * Questions in markdown headings. Pure.
 *
 * - A heading worded as a question ("## Why Acme?", "# 1.1 What's…", "### 为什么…") is a question;
 *   its answer runs to the next heading at its level or above, and takes in every section
 *   heading (完整版, Short version, 回答思路, …) and STAR step (Situation, Task, …) on the way,
 *   whatever their level.
 * - A heading over questions (deeper question headings, or questions found in its own text) is a
 *   section title: it gives those questions a tag or a company.
 * - Any other heading with text under it is a topic question ("## Weakness").
 * Text outside headings is read by the plain-text scanner.
 */
import { calloutRole, cleanTitle, isAskThemTitle, isInterviewTopic, isQuestionForm, isStarStep, isStrongQuestion, qLine, sectionLabel } from './cues.js';
import type { Line } from './lines.js';
import { companyFromTitle, companyLine, roundFromTitle, tagFromTitle } from './meta.js';
import { emptyResult, mergeInto, scanBlock, trailingAside, type Draft, type ScanContext, type ScanResult } from './scan.js';

interface Section {
  line: Line;
  level: number;
  text: string;
  body: Line[];
}

interface Category {
  level: number;
  tag?: string;
  company?: string;
}

const hasText = (lines: readonly Line[]) => lines.some((l) => !l.blank && /[\p{L}\p{N}]/u.test(l.text));

function isSectionOrStep(text: string): boolean {
  return sectionLabel(text, true) !== undefined || isStarStep(text);
}

function isQuestionHeading(s: Section): boolean {
  return !isSectionOrStep(s.text) && isQuestionForm(s.text);
}

export function scanHeadings(lines: readonly Line[], base: ScanContext): ScanResult {
  const result = emptyResult();
  const starts = lines.flatMap((l, i) => (l.heading && !l.opaque ? [i] : []));
  const preamble = lines.slice(0, starts[0] ?? lines.length);
  mergeInto(result, scanBlock(preamble, base));
  const sections: Section[] = starts.map((start, k) => ({
    line: lines[start]!,
    level: lines[start]!.heading!.level,
    text: cleanTitle(lines[start]!.heading!.text),
    body: lines.slice(start + 1, starts[k + 1] ?? lines.length),
  }));

  const stack: Category[] = [];
  const taken: Taken[] = [];
  const take = (i: number, ctx: ScanContext): number => {
    const t = takeQuestion(sections, i, ctx, result);
    taken.push(t);
    return t.next;
  };
  const context = (): ScanContext => {
    const tags = [...base.tags];
    let company = base.company;
    for (const c of stack) {
      if (c.tag && !tags.includes(c.tag)) tags.push(c.tag);
      if (c.company) company = c.company;
    }
    return { ...base, tags, company, depth: 1 };
  };

  let i = 0;
  while (i < sections.length) {
    const s = sections[i]!;
    while (stack.length > 0 && stack.at(-1)!.level >= s.level) stack.pop();
    const ctx = context();

    if (isSectionOrStep(s.text)) {
      // A section heading with no question before it: nothing to attach it to.
      result.unplaced.push(s.line);
      mergeInto(result, scanBlock(s.body, ctx));
      i++;
      continue;
    }

    if (isAskThemTitle(s.text) && hasText(s.body)) {
      // "## Questions to ask them" over a list: one card, the list its answer.
      i = take(i, ctx);
      continue;
    }
    let end = i + 1;
    while (end < sections.length && sections[end]!.level > s.level) end++;
    const questionChild = sections.slice(i + 1, end).some(isQuestionHeading);
    const bodyHasText = hasText(s.body);

    if (isQuestionHeading(s)) {
      let category = questionChild && !bodyHasText;
      if (!category && !isStrongQuestion(s.text) && bodyHasText) {
        // "## What they asked" over a list of questions.
        category = scanBlock(s.body, ctx).drafts.filter((d) => d.kind !== 'topic').length >= 2;
      }
      if (!category) {
        i = take(i, ctx);
        continue;
      }
    }

    // A title over questions, or a topic question. A `Company: X` line in the section's own text
    // names the company of that section's questions, not of the whole notes.
    const titled = companyFromTitle(s.text) ?? ctx.employer?.(s.text);
    const companyLineAt = s.body.find((l) => !l.blank && !l.opaque && companyLine(l.text) !== undefined);
    const company = (companyLineAt && companyLine(companyLineAt.text)) ?? titled;
    const titleIsCompany = titled !== undefined || (company !== undefined && s.text.toLowerCase() === company.toLowerCase());
    const tag = titleIsCompany ? roundFromTitle(s.text) : isQuestionForm(s.text) ? undefined : tagFromTitle(s.text);
    const inner: ScanContext = { ...ctx, tags: tag && !ctx.tags.includes(tag) ? [...ctx.tags, tag] : ctx.tags, company: company ?? ctx.company };
    const body = scanBlock(s.body.filter((l) => l !== companyLineAt), inner);
    const strongFinds = body.drafts.filter((d) => d.kind !== 'topic').length;
    const deeper = end > i + 1;
    // "## Conflict story" followed by "### Situation" or "### Short version" is a question with parts.
    const hasParts = deeper && isSectionOrStep(sections[i + 1]!.text);
    if (questionChild || strongFinds > 0 || body.drafts.length >= 2 || (!bodyHasText && deeper && !hasParts)) {
      result.structure.push({ line: s.line, role: titleIsCompany ? 'title' : 'category' });
      if (companyLineAt) result.structure.push({ line: companyLineAt, role: 'meta' });
      stack.push({ level: s.level, tag, company });
      mergeInto(result, body);
      i++;
      continue;
    }
    if (!bodyHasText && !deeper && !isInterviewTopic(s.text)) {
      // An empty heading that names no interview topic.
      result.unplaced.push(s.line);
      i++;
      continue;
    }
    i = take(i, ctx);
  }

  // Prose after the last question's answer, set off from it (a closing paragraph, "Things to ask
  // them"), is not its answer, unless another question in these notes is answered that way.
  const asides = taken.map((t) => ({ t, at: trailingAside(t.draft.content) }));
  if (!asides.some((a) => a.at !== undefined && !a.t.closing)) {
    for (const { t, at } of asides) {
      if (at === undefined || !t.closing) continue;
      result.unplaced.push(...t.draft.content.splice(at).filter((l) => !l.blank));
    }
  }
  return result;
}

interface Taken {
  draft: Draft;
  next: number;
  /** No question heading follows it in the same part of the notes. */
  closing: boolean;
}

/** The question at `sections[i]` with everything that belongs to it, and the next index. */
function takeQuestion(sections: Section[], i: number, ctx: ScanContext, result: ScanResult): Taken {
  const s = sections[i]!;
  const draft: Draft = { question: s.text, questionLines: [s.line], tags: [...ctx.tags], company: ctx.company, content: [...s.body], context: [], kind: 'heading' };
  let j = i + 1;
  let steps = false;
  while (j < sections.length) {
    const next = sections[j]!;
    // A STAR step at the question's own level ("## Result" after "## Why us?" and its answer)
    // belongs to it only when the answer is told in steps or has not started yet.
    const step = isStarStep(next.text) && sectionLabel(next.text, true) === undefined;
    const ownLevelStep = step && next.level <= s.level && !steps && hasText(draft.content);
    if ((next.level > s.level || isSectionOrStep(next.text)) && !ownLevelStep) {
      if (step) steps = true;
      draft.content.push(next.line, ...next.body);
      j++;
    } else break;
  }
  if (j === i + 1) {
    // "Q: …" lines under a question heading are questions of their own.
    const body = s.body.filter((l) => !l.blank && !l.opaque);
    const base = body.reduce((min, l) => Math.min(min, l.indent), body[0]?.indent ?? 0);
    const k = s.body.findIndex((l) => !l.blank && !l.opaque && l.indent === base && (calloutRole(l.callout) === 'q' || (l.callout === undefined && qLine(l.item ? l.item.content : l.text) !== undefined)));
    if (k !== -1) {
      draft.content = s.body.slice(0, k);
      mergeInto(result, scanBlock(s.body.slice(k), ctx));
    }
  }
  result.drafts.push(draft);
  const after = sections[j];
  return { draft, next: j, closing: after === undefined || after.level < s.level || !isQuestionHeading(after) };
}
