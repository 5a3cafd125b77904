/** Tags as users type them, in flags or at a prompt. Pure. */
import { normalizeTag } from './time-limits.js';

/**
 * "behavioural, leadership", "行为，领导力", "a、b" and repeated --tag flags → a clean list.
 * Control characters become spaces; the first spelling of a tag wins ("STAR" and "star" are one tag).
 */
export function splitTagList(values: readonly string[]): string[] {
  const tags: string[] = [];
  const seen = new Set<string>();
  for (const value of values) {
    for (const part of value.split(/[,，、]/u)) {
      const tag = part
        .normalize('NFC')
        .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/gu, ' ')
        .replace(/\s+/gu, ' ')
        .trim();
      if (tag === '' || seen.has(normalizeTag(tag))) continue;
      seen.add(normalizeTag(tag));
      tags.push(tag);
    }
  }
  return tags;
}
