/**
 * Answer templates for `prep add`, by kind of question, and the clean-up of an edited draft.
 * Behavioural: key points, a short version and a full version in STAR steps (Situation, Task,
 * Action, Result, Reflection). Technical and design: key points, answer, follow-up questions.
 * Hints are HTML comments marked `prep:`; the parser ignores comments and `cleanDraft` removes
 * them, with every heading left empty. Pure.
 */
import { formatDuration, ENGLISH_WORDS_PER_MIN } from './text.js';
import { normalizeTag } from './time-limits.js';

export type AnswerKind = 'behavioural' | 'technical' | 'design' | 'general';

const BEHAVIOURAL_TAGS = ['behavioural', 'behavioral', 'star', 'story', 'leadership', 'conflict', 'teamwork', 'achievement', 'failure', 'challenge'];
const DESIGN_TAGS = ['system-design', 'design', 'architecture'];
const TECHNICAL_TAGS = ['technical', 'tech', 'concept', 'coding', 'algorithms', 'algorithm', 'database', 'networking', 'backend', 'frontend'];

const BEHAVIOURAL_TEXT =
  /\b(tell me about a time|tell us about a time|describe a (time|situation|project)|give (me |us )?an example|a time (when|you)|have you ever|walk me through a (time|project)|conflict|disagree\w*|challeng\w*|mistake|fail(ed|ure)?|achievement|accomplishment|proud|difficult (person|colleague|situation|decision)|deadline|feedback)\b|一次|经历|經歷|举例|舉例|挑战|挑戰|成就|冲突|衝突|失败|失敗|困难|困難|最有/iu;
const DESIGN_TEXT = /\b(design (a|an|the)|system design|architect\w*|how would you (build|design|scale)|scal(e|able|ing) (a|an|to))\b|设计|設計|架构|架構/iu;
const TECHNICAL_TEXT =
  /\b(how (does|do|is|are)|what (is|are) (a|an|the)?|difference between|explain|implement|algorithm|complexity|index(es)?|thread|process|cache|transaction|protocol|api|sql|http|tcp)\b|原理|区别|區別|什么是|什麼是|如何实现|如何實現/iu;

/** What kind of answer a question wants: from its tags first, then from its wording. */
export function answerKind(question: string, tags: readonly string[]): AnswerKind {
  const normalized = tags.map(normalizeTag);
  if (normalized.some((t) => BEHAVIOURAL_TAGS.includes(t))) return 'behavioural';
  if (normalized.some((t) => DESIGN_TAGS.includes(t))) return 'design';
  if (normalized.some((t) => TECHNICAL_TAGS.includes(t))) return 'technical';
  if (BEHAVIOURAL_TEXT.test(question)) return 'behavioural';
  if (DESIGN_TEXT.test(question)) return 'design';
  if (TECHNICAL_TEXT.test(question)) return 'technical';
  return 'general';
}

const hint = (text: string) => `<!-- prep: ${text} -->`;

/** "about 2m (300 words)" for a time limit. */
function budget(limitSec: number): string {
  const words = Math.round(((limitSec / 60) * ENGLISH_WORDS_PER_MIN) / 10) * 10;
  return `${formatDuration(limitSec)} (about ${words} words)`;
}

/** The body (everything after the front matter) of a fresh answer file for this kind of question. */
export function templateBody(kind: AnswerKind, limitSec: number): string {
  const keyPoints = [
    '## Key points',
    '',
    hint('the 3 to 5 points you must not forget, one per line; drill shows them and checks them when you type'),
    '- ',
    '',
  ];
  const followUps = ['## Follow-up questions', '', hint('what the interviewer may ask next, one per line'), '- ', ''];
  let lines: string[];
  switch (kind) {
    case 'behavioural':
      lines = [
        ...keyPoints,
        '## Short version',
        '',
        hint(`the story in three or four sentences, about 45 seconds; drill uses it when the full version does not fit ${formatDuration(limitSec)}`),
        '',
        '## Full version',
        '',
        hint(`the whole story, within ${budget(limitSec)}; leave out any step you do not need`),
        '',
        '### Situation',
        '',
        hint('where and when; the context in one or two sentences'),
        '',
        '### Task',
        '',
        hint('what you had to achieve, and why it mattered'),
        '',
        '### Action',
        '',
        hint('what YOU did, step by step; say "I", not "we"'),
        '',
        '### Result',
        '',
        hint('the outcome, with numbers if you have them'),
        '',
        '### Reflection',
        '',
        hint('what you learned, or would do differently'),
        '',
      ];
      break;
    case 'design':
      lines = [
        ...keyPoints,
        '## Answer',
        '',
        hint(`within ${budget(limitSec)}: requirements and scale, the main components, data model, bottlenecks, trade-offs`),
        '',
        ...followUps,
      ];
      break;
    case 'technical':
      lines = [
        ...keyPoints,
        '## Answer',
        '',
        hint(`what you would say, in the order you would say it, within ${budget(limitSec)}: definition, how it works, an example, trade-offs`),
        '',
        ...followUps,
      ];
      break;
    default:
      lines = [...keyPoints, '## Answer', '', hint(`what you would say, within ${budget(limitSec)}`), '', ...followUps];
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** A first comment telling the user what to do with the file, placed right after the front matter. */
export function templateIntro(): string {
  return hint('write your answer below, save and close the editor; lines like this one are removed. Leave it all empty to cancel.');
}

const HINT_COMMENT = /<!--\s*prep:[\s\S]*?-->/g;
const FENCE = /^\s{0,3}(`{3,}|~{3,})/;
const HEADING = /^\s{0,3}(#{1,6})(?:\s|$)/;
const EMPTY_BULLET = /^\s*(?:[-*+]|\d+[.)])\s*$/;

/**
 * An edited draft, tidied: hint comments, empty list items and headings with nothing under them
 * are removed (a "Full version" whose STAR steps are all empty goes too); code blocks are left as
 * they are. Blank lines are squeezed to one; the result ends with one newline, or is "" when empty.
 */
export function cleanDraft(text: string): string {
  const withoutHints = text.replace(/\r\n?/g, '\n').replace(HINT_COMMENT, '');
  let lines = withoutHints.split('\n');

  // Which lines are inside fenced code: nothing there is a heading or a bullet.
  const inCode = (all: string[]): boolean[] => {
    const flags: boolean[] = [];
    let fence: string | undefined;
    for (const line of all) {
      const match = FENCE.exec(line);
      if (fence) {
        flags.push(true);
        if (match && match[1]![0] === fence[0] && match[1]!.length >= fence.length) fence = undefined;
      } else if (match) {
        fence = match[1]!;
        flags.push(true);
      } else flags.push(false);
    }
    return flags;
  };

  const bodyStart = frontMatterEnd(lines);
  let code = inCode(lines);
  lines = lines.filter((line, i) => i < bodyStart || code[i] || !EMPTY_BULLET.test(line));

  for (let changed = true; changed; ) {
    changed = false;
    code = inCode(lines);
    const level = (i: number) => (i >= bodyStart && !code[i] ? (HEADING.exec(lines[i]!)?.[1]!.length ?? 0) : 0);
    for (let i = bodyStart; i < lines.length; i++) {
      const depth = level(i);
      if (depth === 0) continue;
      let j = i + 1;
      while (j < lines.length && level(j) === 0 && lines[j]!.trim() === '') j++;
      const nextIsEnd = j >= lines.length;
      const nextDepth = nextIsEnd ? 0 : level(j);
      if (nextIsEnd || (nextDepth > 0 && nextDepth <= depth)) {
        lines.splice(i, 1);
        changed = true;
        break;
      }
    }
  }

  const squeezed: string[] = [];
  code = inCode(lines);
  lines.forEach((line, i) => {
    const blank = line.trim() === '' && !code[i];
    if (blank && (squeezed.length === 0 || squeezed.at(-1)!.trim() === '')) return;
    squeezed.push(blank ? '' : line.trimEnd());
  });
  const result = squeezed.join('\n').trim();
  return result === '' ? '' : `${result}\n`;
}

/** Index of the first line after the front matter (0 when there is none). */
function frontMatterEnd(lines: readonly string[]): number {
  if (lines[0]?.trimEnd() !== '---') return 0;
  for (let i = 1; i < lines.length; i++) if (/^(---|\.\.\.)\s*$/.test(lines[i]!)) return i + 1;
  return 0;
}
