/**
 * Keeps history attached to cards as the deck changes (pure). Editing an answer keeps its schedule
 * (an `edited` event logs it); a card that comes back with a new id (renamed file, changed id) gets
 * the history of the orphan record with the same question, or of the one its file had (`reattach`). Nothing is ever dropped:
 * records that match nothing stay as orphans, which `prep check` reports.
 */
import type { Card } from './card.js';
import { recordOf, type CardRecord, type ProgressData, type ProgressEvent, type ReattachReason } from './progress-model.js';
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
 * a reattached card whose answer also changed gets both. An orphan goes to a card without history
 * - when their questions are equal after normalizeQuestion; among several such orphans the most
 *   recently reviewed wins (the others stay orphans); among several such cards the first in deck order;
 * - else when the orphan was last in the card's file and that file now holds exactly one card
 *   without history and had exactly one such orphan: an `id:` added or changed, question edited too.
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
  const found: ({ orphan: CardRecord; reason: ReattachReason } | undefined)[] = [];
  if (matched < firsts.length && matched < Object.keys(data.cards).length) {
    const orphans = findOrphans(firsts, data);
    const byQuestion = new Map<string, CardRecord[]>();
    for (const orphan of orphans) {
      const key = normalizeQuestion(orphan.question);
      if (key === '') continue;
      const list = byQuestion.get(key) ?? [];
      list.push(orphan);
      byQuestion.set(key, list);
    }
    for (const list of byQuestion.values()) list.sort((a, b) => lastReviewTime(b) - lastReviewTime(a));
    const taken = new Set<CardRecord>();
    firsts.forEach((card, i) => {
      if (records[i] !== undefined) return;
      const orphan = byQuestion.get(normalizeQuestion(card.question))?.shift();
      if (orphan === undefined) return;
      found[i] = { orphan, reason: 'same-question' };
      taken.add(orphan);
    });
    // What is left, one to one by file: the file's only orphan to the file's only card, when that card has no history yet.
    const orphansIn = groupBy(orphans.filter((o) => !taken.has(o)), (o) => o.file);
    const cardsIn = groupBy(firsts.map((_, i) => i), (i) => firsts[i]!.file);
    for (const [file, left] of orphansIn) {
      const only = cardsIn.get(file);
      if (left.length !== 1 || only?.length !== 1) continue;
      const i = only[0]!;
      if (records[i] === undefined && found[i] === undefined) found[i] = { orphan: left[0]!, reason: 'same-file' };
    }
  }

  const events: ProgressEvent[] = [];
  firsts.forEach((card, i) => {
    let record = records[i];
    const match = found[i];
    if (record === undefined) {
      if (match === undefined) return; // a new card
      const { orphan, reason } = match;
      record = { ...orphan, id: card.id, question: card.question, file: card.file, memory: { ...orphan.memory } };
      events.push({ type: 'reattach', from: orphan.id, to: card.id, at: now, card: record, reason });
    }
    if (record.contentHash !== card.contentHash) {
      events.push({ type: 'edited', cardId: card.id, at: now, from: record.contentHash, to: card.contentHash });
    }
  });
  return events;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}
