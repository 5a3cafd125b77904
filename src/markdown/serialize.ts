/** An answer to be written (by `prep add` or `prep import`) → the text of an answer file. Pure. */
import type { SectionName } from '../core/card.js';
import { formatDuration } from '../core/text.js';

export interface AnswerDraft {
  question: string;
  tags: readonly string[];
  company?: string | null;
  /** Time limit in seconds; omitted → the default for the tags applies. */
  timeSec?: number;
  id?: string;
  /** Markdown for each section, verbatim. An `answer` alone is written without a heading. */
  sections: Partial<Record<SectionName, string>>;
}

export const SECTION_HEADINGS: Record<SectionName, string> = {
  keyPoints: 'Key points',
  short: 'Short version',
  full: 'Full version',
  answer: 'Answer',
  notes: 'Notes',
  followUps: 'Follow-up questions',
};

const ORDER: readonly SectionName[] = ['keyPoints', 'short', 'full', 'answer', 'notes', 'followUps'];

/** YAML scalars that would not read back as the same string (booleans, numbers, null, syntax). */
function yamlString(value: string): string {
  const plain = /^[\p{L}\p{N}][\p{L}\p{N} _.'’()&/+-]*$/u.test(value) && !/^(true|false|yes|no|on|off|null|y|n|~)$/i.test(value) && !/^[\d.+-]+$/.test(value);
  return plain && value === value.trim() ? value : JSON.stringify(value);
}

export function serializeAnswer(draft: AnswerDraft): string {
  const lines = ['---', `question: ${JSON.stringify(draft.question.replace(/\s+/g, ' ').trim())}`];
  if (draft.id) lines.push(`id: ${yamlString(draft.id)}`);
  lines.push(`tags: [${draft.tags.map(yamlString).join(', ')}]`);
  if (draft.company) lines.push(`company: ${yamlString(draft.company)}`);
  if (draft.timeSec !== undefined) lines.push(`time: ${formatDuration(draft.timeSec)}`);
  lines.push('---', '');

  const present = ORDER.filter((name) => (draft.sections[name] ?? '').trim() !== '');
  const onlyAnswer = present.length === 1 && present[0] === 'answer';
  for (const name of present) {
    if (!onlyAnswer) lines.push(`## ${SECTION_HEADINGS[name]}`, '');
    lines.push(draft.sections[name]!.trim(), '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
