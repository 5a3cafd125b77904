/**
 * The plain (fast) checks of journal lines and snapshots must accept exactly what the zod schemas
 * accept, with the same values: valid lines in prep's own layout never reach zod, anything unusual
 * does, and damage is always refused.
 */
import { describe, expect, test } from 'vitest';
import { emptyProgress, type ProgressData, type ProgressEvent } from '../../src/core/progress-model.js';
import { journalLineFromJson, serializeJournalLine, serializeSnapshot, snapshotFromBytes, snapshotFromJson } from '../../src/store/progress-schema.js';
import { card, reviewEvent } from './progress-fixtures.js';

const AT = new Date('2026-11-22T10:00:00.000Z');

const events: ProgressEvent[] = [
  reviewEvent(7, 'why', AT),
  { type: 'undo', seq: 7, cardId: 'why', at: AT, card: card('why', new Date(AT.getTime() - 86_400_000)) },
  { type: 'undo', seq: 8, cardId: 'new-one', at: AT, card: null },
  { type: 'edited', cardId: 'why', at: AT, from: 'aaa', to: 'bbb' },
  { type: 'reattach', from: 'old', to: 'why', at: AT, card: card('why', AT), reason: 'same-question' },
  { type: 'reattach', from: 'why-old', to: 'why-new', at: AT, card: card('why-new', AT), reason: 'same-file' },
];

/** A journal line as read back from disk. */
const lineOf = (seq: number, event: ProgressEvent) => JSON.parse(serializeJournalLine(seq, event)) as Record<string, unknown>;

describe('journal lines', () => {
  test('every kind of event comes back as written, dates revived', () => {
    for (const event of events) {
      const seq = event.type === 'review' ? event.review.seq : 9;
      expect(journalLineFromJson(lineOf(seq, event))).toEqual({ ok: true, seq, event });
    }
  });

  test('a reattach line written before reasons were recorded reads as same-question, by the plain check and by zod', () => {
    const line = lineOf(9, events[4]!);
    delete (line.event as Record<string, unknown>).reason;
    expect(journalLineFromJson(line)).toEqual({ ok: true, seq: 9, event: events[4] });
    // a second unknown key sends the line to zod, which must give the same event
    (line.event as Record<string, unknown>).extra = 1;
    expect(journalLineFromJson(line)).toEqual({ ok: true, seq: 9, event: events[4] });
  });

  test('a reattach with an unknown reason is refused', () => {
    const line = lineOf(9, events[5]!);
    (line.event as Record<string, unknown>).reason = 'same-mood';
    expect(journalLineFromJson(line).ok).toBe(false);
  });

  test('an extra key (a newer prep, a hand edit) is dropped as zod drops it, even when the review was already revived', () => {
    const line = lineOf(7, reviewEvent(7, 'why', AT));
    ((line.event as Record<string, unknown>).card as Record<string, unknown>).note = 'extra';
    const checked = journalLineFromJson(line);
    expect(checked).toEqual({ ok: true, seq: 7, event: reviewEvent(7, 'why', AT) });
  });

  const damage: Record<string, (line: Record<string, unknown>) => void> = {
    'review seq differs from the line seq': (line) => void (line.seq = 8),
    'seq 0': (line) => void (line.seq = 0),
    'grade 5': (line) => void (((line.event as Record<string, unknown>).review as Record<string, unknown>).grade = 5),
    'date that is not a date': (line) => void (((line.event as Record<string, unknown>).review as Record<string, unknown>).at = '2026-13-01T00:00:00.000Z'),
    'empty card id': (line) => void (((line.event as Record<string, unknown>).review as Record<string, unknown>).cardId = ''),
    'card without memory': (line) => void delete ((line.event as Record<string, unknown>).card as Record<string, unknown>).memory,
    'unknown event type': (line) => void ((line.event as Record<string, unknown>).type = 'grade'),
    'event missing': (line) => void delete line.event,
    'not an object': (line) => void (line.event = 'review'),
  };
  for (const [name, harm] of Object.entries(damage)) {
    test(`refused: ${name}`, () => {
      const line = lineOf(7, reviewEvent(7, 'why', AT));
      harm(line);
      const checked = journalLineFromJson(line);
      expect(checked.ok).toBe(false);
      if (!checked.ok) expect(checked.reason).not.toBe('');
    });
  }

  test('an undo whose card is damaged, an edit without from, a reattach to an empty id are refused', () => {
    const undo = lineOf(9, events[1]!);
    (undo.event as { card: { memory: { reps: number } } }).card.memory.reps = -1;
    expect(journalLineFromJson(undo).ok).toBe(false);
    const edit = lineOf(9, events[3]!);
    delete (edit.event as Record<string, unknown>).from;
    expect(journalLineFromJson(edit).ok).toBe(false);
    const reattach = lineOf(9, events[4]!);
    (reattach.event as Record<string, unknown>).to = '';
    expect(journalLineFromJson(reattach).ok).toBe(false);
  });
});

describe('snapshots', () => {
  function history(reviews: number): ProgressData {
    const data = emptyProgress();
    for (let seq = 1; seq <= reviews; seq++) {
      const event = reviewEvent(seq, `card-${seq % 50}`, new Date(AT.getTime() - (reviews - seq) * 60_000), ((seq % 4) + 1) as 1 | 2 | 3 | 4);
      if (event.type !== 'review') continue;
      data.reviews.push(event.review);
      data.cards[event.card.id] = event.card;
      data.lastSeq = seq;
    }
    return data;
  }

  test('a big snapshot read in slices equals the same file read whole', () => {
    const data = history(8000);
    const text = serializeSnapshot(data);
    const sliced = snapshotFromBytes(Buffer.from(text));
    expect(sliced).not.toBeNull();
    expect(sliced).toEqual(snapshotFromJson(JSON.parse(text)));
    expect(sliced).toEqual({ ok: true, data: { ...data, cards: { ...data.cards } } });
  });

  test('one damaged review anywhere in a big snapshot is refused on both paths', () => {
    const text = serializeSnapshot(history(8000));
    for (const [from, to] of [
      ['"seq":4000,', '"seq":"4000",'],
      ['"seq":7999,', '"seq":9999,'],
      ['"mode":"scheduled"', '"mode":"cramming"'],
    ] as const) {
      const bad = text.replace(from, to);
      expect(bad).not.toBe(text);
      expect(snapshotFromBytes(Buffer.from(bad))?.ok ?? false).toBe(false);
      expect(snapshotFromJson(JSON.parse(bad)).ok).toBe(false);
    }
  });
});
