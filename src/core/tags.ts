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

/** The tags cards use, most used first, each in the spelling the deck uses most (ties: first seen). */
export function tagsByUse(cards: readonly { tags: readonly string[] }[]): string[] {
  const byKey = new Map<string, { count: number; spellings: Map<string, number> }>();
  for (const card of cards) {
    for (const tag of card.tags) {
      const key = normalizeTag(tag);
      let entry = byKey.get(key);
      if (!entry) byKey.set(key, (entry = { count: 0, spellings: new Map() }));
      entry.count++;
      entry.spellings.set(tag, (entry.spellings.get(tag) ?? 0) + 1);
    }
  }
  const ranked = [...byKey.values()].map((e) => {
    let best = '';
    let most = 0;
    for (const [spelling, n] of e.spellings) if (n > most) [best, most] = [spelling, n];
    return { tag: best, count: e.count };
  });
  return ranked.sort((a, b) => b.count - a.count || a.tag.localeCompare(b.tag)).map((e) => e.tag);
}
