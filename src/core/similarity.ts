/** "Is this question already in the deck?" for `add` and `import`. Pure. */
import { normalizeQuestion } from './text.js';

function bigrams(text: string): Map<string, number> {
  const chars = [...text];
  const grams = new Map<string, number>();
  for (let i = 0; i < chars.length - 1; i++) {
    const gram = chars[i]! + chars[i + 1]!;
    grams.set(gram, (grams.get(gram) ?? 0) + 1);
  }
  return grams;
}

/** Dice coefficient over character bigrams of the normalised questions: 1 identical, 0 nothing shared. */
export function questionSimilarity(a: string, b: string): number {
  const na = normalizeQuestion(a);
  const nb = normalizeQuestion(b);
  if (na === nb) return 1;
  if (na.length < 2 || nb.length < 2) return 0;
  const ga = bigrams(na);
  const gb = bigrams(nb);
  let shared = 0;
  for (const [gram, count] of ga) shared += Math.min(count, gb.get(gram) ?? 0);
  return (2 * shared) / (na.length - 1 + (nb.length - 1));
}

/** Questions this close count as the same one ("Why Acme?" vs "Why Acme ?", a typo fixed). */
export const SIMILAR_QUESTION_THRESHOLD = 0.85;

export function findSimilarQuestion<T extends { question: string }>(question: string, existing: readonly T[]): { match: T; similarity: number } | undefined {
  let best: { match: T; similarity: number } | undefined;
  for (const item of existing) {
    const similarity = questionSimilarity(question, item.question);
    if (similarity >= SIMILAR_QUESTION_THRESHOLD && (!best || similarity > best.similarity)) best = { match: item, similarity };
  }
  return best;
}
