import { describe, expect, test } from 'vitest';
import { summarizeCard, type Card } from '../../src/core/card.js';
import { applyEvent, emptyProgress, type ProgressData } from '../../src/core/progress-model.js';
import { findOrphans, reconcile } from '../../src/core/reconcile.js';
import { card as record, reviewEvent } from '../store/progress-fixtures.js';

const NOW = new Date('2025-05-01T09:00:00Z');
const EARLIER = new Date('2025-04-01T09:00:00Z');

function deckCard(id: string, question: string, contentHash = `hash-${id}`): Card {
  return {
    id,
    idSource: 'derived',
    question,
    tags: [],
    company: null,
    timeLimitSec: 90,
    timeLimitSource: 'default',
    file: `${id}.md`,
    line: 1,
    sections: {},
    keyPoints: [],
    keyPointsSource: 'none',
    followUps: [],
    contentHash,
  };
}

/** History with one review per given record. */
function history(...records: ReturnType<typeof record>[]): ProgressData {
  const data = emptyProgress();
  records.forEach((r, i) => {
    const event = reviewEvent(i + 1, r.id, r.memory.lastReview ?? EARLIER);
    if (event.type === 'review') event.card = r;
    applyEvent(data, event);
  });
  return data;
}

describe('reconcile', () => {
  test('a card whose id names an Object property ("constructor", "__proto__") is a new card, not an edited one', () => {
    const data = { ...emptyProgress(), cards: {} };
    expect(reconcile([deckCard('constructor', 'Why?'), deckCard('__proto__', 'How?')], data, NOW)).toEqual([]);
  });

  test('nothing to do when every card matches its record', () => {
    const data = history(record('a', EARLIER, { question: 'What is A?' }));
    expect(reconcile([deckCard('a', 'What is A?')], data, NOW)).toEqual([]);
  });

  test('an edited answer keeps its schedule: one edited event from the old hash to the new', () => {
    const data = history(record('a', EARLIER));
    const events = reconcile([deckCard('a', 'Question a?', 'new-hash')], data, NOW);
    expect(events).toEqual([{ type: 'edited', cardId: 'a', at: NOW, from: 'hash-a', to: 'new-hash' }]);
    const memoryBefore = structuredClone(data.cards.a!.memory);
    for (const e of events) applyEvent(data, e);
    expect(data.cards.a!.memory).toEqual(memoryBefore);
    expect(data.cards.a!.contentHash).toBe('new-hash');
    expect(reconcile([deckCard('a', 'Question a?', 'new-hash')], data, NOW)).toEqual([]); // idempotent
  });

  test('a card with a new id and the same question (after normalisation) gets the orphan history', () => {
    const data = history(record('old-id', EARLIER, { question: 'Q1: Why do you want this job?', contentHash: 'hash-new-id' }));
    const events = reconcile([deckCard('new-id', 'why do you want this job')], data, NOW);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'reattach', from: 'old-id', to: 'new-id', at: NOW, card: { id: 'new-id', question: 'why do you want this job', file: 'new-id.md' } });
    for (const e of events) applyEvent(data, e);
    expect(Object.keys(data.cards)).toEqual(['new-id']);
    expect(data.reviews.map((r) => r.cardId)).toEqual(['new-id']);
    expect(data.cards['new-id']!.memory).toEqual(record('old-id', EARLIER).memory);
    expect(findOrphans([deckCard('new-id', 'why do you want this job')], data)).toEqual([]);
  });

  test('reattached and edited: both events, reattach first', () => {
    const data = history(record('old', EARLIER, { question: 'Tell me about yourself', contentHash: 'h1' }));
    const events = reconcile([deckCard('new', 'Tell me about yourself.', 'h2')], data, NOW);
    expect(events.map((e) => e.type)).toEqual(['reattach', 'edited']);
    for (const e of events) applyEvent(data, e);
    expect(data.cards.new!.contentHash).toBe('h2');
  });

  test('orphans with no matching question stay, and are reported by findOrphans', () => {
    const data = history(record('gone', EARLIER, { question: 'Something removed' }), record('a', EARLIER, { question: 'Question a?' }));
    const cards = [deckCard('a', 'Question a?'), deckCard('b', 'Something else')];
    expect(reconcile(cards, data, NOW)).toEqual([]);
    expect(findOrphans(cards, data).map((r) => r.id)).toEqual(['gone']);
  });

  test('two orphans with the question: the most recently reviewed is reattached, the other kept', () => {
    const data = history(record('older', EARLIER, { question: 'Same?' }), record('newer', NOW, { question: 'Same?' }));
    const events = reconcile([deckCard('c', 'Same?')], data, NOW);
    expect(events.filter((e) => e.type === 'reattach').map((e) => (e.type === 'reattach' ? e.from : ''))).toEqual(['newer']);
  });

  test('two new cards with one orphan question: only the first in deck order gets it', () => {
    const data = history(record('old', EARLIER, { question: 'Same?' }));
    const events = reconcile([deckCard('x', 'Same?'), deckCard('y', 'Same?')], data, NOW);
    expect(events.filter((e) => e.type === 'reattach').map((e) => (e.type === 'reattach' ? e.to : ''))).toEqual(['x']);
  });

  test('summaries reconcile as their full cards do (drill reconciles from the deck cache summary)', () => {
    const data = history(record('a', EARLIER, { question: 'What is A?' }), record('old', EARLIER, { question: 'Tell me about yourself', contentHash: 'h1' }));
    const cards = [deckCard('a', 'What is A?', 'edited-hash'), deckCard('new', 'Tell me about yourself.', 'h2'), deckCard('b', 'Brand new?')];
    const events = reconcile(cards.map(summarizeCard), data, NOW);
    expect(events.map((e) => e.type)).toEqual(['edited', 'reattach', 'edited']);
    expect(events).toEqual(reconcile(cards, data, NOW));
  });

  test('a card whose id still has a record is never reattached from an orphan', () => {
    const data = history(record('a', EARLIER, { question: 'Same?' }), record('orphan', EARLIER, { question: 'Same?' }));
    expect(reconcile([deckCard('a', 'Same?')], data, NOW)).toEqual([]);
  });

  test('a duplicate id: the history goes to the first card of that id only', () => {
    const data = history(record('a', EARLIER, { question: 'Question a?' }), record('gone', EARLIER, { question: 'Gone?' }));
    const events = reconcile([deckCard('a', 'Question a?', 'hash-a'), deckCard('a', 'Gone?', 'other-hash'), deckCard('b', 'Gone?')], data, NOW);
    expect(events).toEqual([{ type: 'reattach', from: 'gone', to: 'b', at: NOW, card: expect.objectContaining({ id: 'b' }), reason: 'same-question' }, expect.objectContaining({ type: 'edited', cardId: 'b' })]);
  });

  test('an id given to a one-question file whose question also changed: the history of that file goes to it (same-file)', () => {
    const data = history(record('career-plan-3-5-years', EARLIER, { question: 'Career plan in 3-5 years', file: 'career.md' }));
    const events = reconcile([{ ...deckCard('career-plan', 'Where do you see yourself in five years?'), file: 'career.md' }], data, NOW);
    expect(events[0]).toMatchObject({ type: 'reattach', from: 'career-plan-3-5-years', to: 'career-plan', reason: 'same-file' });
    for (const e of events) applyEvent(data, e);
    expect(Object.keys(data.cards)).toEqual(['career-plan']);
    expect(data.log.at(-2)).toMatchObject({ type: 'reattached', from: 'career-plan-3-5-years', to: 'career-plan', reason: 'same-file' });
  });

  test('by file only one to one: not when the file now holds two cards, nor when two orphans were last in it', () => {
    const one = history(record('old', EARLIER, { question: 'Old?', file: 'f.md' }));
    expect(reconcile([{ ...deckCard('x', 'X?'), file: 'f.md' }, { ...deckCard('y', 'Y?'), file: 'f.md' }], one, NOW)).toEqual([]);
    const two = history(record('old1', EARLIER, { question: 'Old 1?', file: 'f.md' }), record('old2', EARLIER, { question: 'Old 2?', file: 'f.md' }));
    expect(reconcile([{ ...deckCard('x', 'X?'), file: 'f.md' }], two, NOW)).toEqual([]);
    // a card of another file never takes it
    expect(reconcile([{ ...deckCard('x', 'X?'), file: 'g.md' }], one, NOW)).toEqual([]);
  });

  test('the same question wins over the same file', () => {
    const data = history(record('a-old', EARLIER, { question: 'Why us?', file: 'f.md' }), record('b-old', EARLIER, { question: 'Why now?', file: 'g.md' }));
    const events = reconcile([{ ...deckCard('b', 'Why us?'), file: 'g.md' }], data, NOW);
    expect(events[0]).toMatchObject({ type: 'reattach', from: 'a-old', to: 'b', reason: 'same-question' });
  });

  test('an empty normalised question never matches', () => {
    const data = history(record('old', EARLIER, { question: '???' }));
    expect(reconcile([deckCard('new', '!!!')], data, NOW)).toEqual([]);
  });

  test('a deck card named like an Object.prototype key is not mistaken for a record', () => {
    const data = history(record('old', EARLIER, { question: 'constructor' }));
    const events = reconcile([deckCard('constructor', 'constructor')], data, NOW);
    expect(events.map((e) => e.type)).toEqual(['reattach', 'edited']);
  });
});
