/**
 * Keeps history attached to cards as the deck changes (pure). Editing an answer keeps its schedule
 * (an `edited` event logs it); a card that comes back with a new id (renamed file, changed id) gets
 * the history of the orphan record with the same question (`reattach`). Nothing is ever dropped:
 * records that match nothing stay as orphans, which `prep check` reports.
 */
import type { Card } from './card.js';
import { recordOf, type CardRecord, type ProgressData, type ProgressEvent } from './progress-model.js';
import { normalizeQuestion } from './text.js';

/** What reconcile needs of a card: a full card or its summary (drill reconciles from the deck cache's summary). */
export type ReconcileCard = Pick<Card, 'id' | 'question' | 'file' | 'contentHash'>;

/** Records whose card id is not in the deck, in record order. */
export function findOrphans(cards: readonly Pick<Card, 'id'>[], data: ProgressData): CardRecord[] {
  const ids = new Set(cards.map((c) => c.id));
  return Object.values(data.cards).filter((record) => !ids.has(record.id));
}

function lastReviewTime(record: CardRecord): number {
  return record.memory.lastReview?.getTime() ?? Number.NEGATIVE_INFINITY;
}

/**
 * Events that bring `data` in line with the deck, to append in order. Reattach first, then edits:
 * a reattached card whose answer also changed gets both. An orphan matches a card without history
 * when their questions are equal after normalizeQuestion; among several such orphans the most
 * recently reviewed wins (the others stay orphans); among several such cards the first in deck order.
 */
export function reconcile(cards: readonly ReconcileCard[], data: ProgressData, now: Date): ProgressEvent[] {
  // Each id's first card with its record (duplicate ids are a deck problem check reports; history goes to the first).
  const ids = new Set<string>();
  const firsts: ReconcileCard[] = [];
  const records: (CardRecord | undefined)[] = [];
  let matched = 0;
  for (const card of cards) {
    if (ids.has(card.id)) continue;
    ids.add(card.id);
    const record = recordOf(data.cards, card.id);
    if (record !== undefined) matched++;
    firsts.push(card);
    records.push(record);
  }
  // Orphans are looked for only when some card has no record and some record no card (most starts have neither).
  const orphansByQuestion = new Map<string, CardRecord[]>();
  if (matched < firsts.length && matched < Object.keys(data.cards).length) {
    for (const orphan of findOrphans(firsts, data)) {
      const key = normalizeQuestion(orphan.question);
      if (key === '') continue;
      const list = orphansByQuestion.get(key) ?? [];
      list.push(orphan);
      orphansByQuestion.set(key, list);
    }
    for (const list of orphansByQuestion.values()) list.sort((a, b) => lastReviewTime(b) - lastReviewTime(a));
  }

  const events: ProgressEvent[] = [];
  firsts.forEach((card, i) => {
    let record = records[i];
    if (record === undefined) {
      const orphan = orphansByQuestion.get(normalizeQuestion(card.question))?.shift();
      if (orphan === undefined) return; // a new card
      record = { ...orphan, id: card.id, question: card.question, file: card.file, memory: { ...orphan.memory } };
      events.push({ type: 'reattach', from: orphan.id, to: card.id, at: now, card: record });
    }
    if (record.contentHash !== card.contentHash) {
      events.push({ type: 'edited', cardId: card.id, at: now, from: record.contentHash, to: card.contentHash });
    }
  });
  return events;
}
