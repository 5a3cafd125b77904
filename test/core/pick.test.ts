import { describe, expect, it } from 'vitest';
import { countRecent, countToday, nextDue, pickCards, RECENT_MS, shuffled, smallest } from '../../src/core/pick.js';
import { summarizeCard } from '../../src/core/card.js';
import { seededRandom } from '../../src/core/random.js';
import { isDue, Scheduler } from '../../src/core/schedule.js';
import { makeCard, progressWith, record, review, reviewMemory } from './drill-cards.js';

const UTC = 'UTC';
const now = new Date('2026-11-22T10:00:00Z');
const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
const scheduler = new Scheduler();

describe('pickCards', () => {
  it('puts due cards first, weakest (lowest retrievability) first, then new cards in deck order', () => {
    const strong = makeCard('strong');
    const weak = makeCard('weak');
    const later = makeCard('later');
    const fresh1 = makeCard('fresh1');
    const fresh2 = makeCard('fresh2');
    const data = progressWith([
      record(strong, reviewMemory(daysAgo(1), daysAgo(30), { stability: 200 })),
      record(weak, reviewMemory(daysAgo(1), daysAgo(30), { stability: 2 })),
      record(later, reviewMemory(new Date(now.getTime() + 5 * 86_400_000), daysAgo(1))),
    ]);
    const result = pickCards([fresh1, strong, later, weak, fresh2], data, scheduler, { now, timeZone: UTC });
    expect(result.queue.map((p) => p.card.id)).toEqual(['weak', 'strong', 'fresh1', 'fresh2']);
    expect(result.queue.map((p) => p.kind)).toEqual(['due', 'due', 'new', 'new']);
    expect(result.queue.every((p) => p.mode === 'scheduled')).toBe(true);
    expect(result.due).toBe(2);
  });

  it('introduces at most the daily new-card limit, counting new cards already introduced today', () => {
    const cards = Array.from({ length: 15 }, (_, i) => makeCard(`c${i}`));
    const firstOne = cards[0]!;
    const data = progressWith(
      [record(firstOne, reviewMemory(new Date(now.getTime() + 86_400_000 * 3), new Date('2026-11-22T08:00:00Z')))],
      [review(firstOne.id, new Date('2026-11-22T08:00:00Z'))],
    );
    const result = pickCards(cards, data, scheduler, { now, timeZone: UTC });
    expect(result.newToday).toBe(1);
    expect(result.queue).toHaveLength(9);
    expect(result.newHeldBack).toBe(5);
    expect(pickCards(cards, data, scheduler, { now, timeZone: UTC, newPerDay: 3 }).queue).toHaveLength(2);
  });

  it('counts a review at 3 a.m. as the previous study day (4 a.m. rollover)', () => {
    const cards = Array.from({ length: 12 }, (_, i) => makeCard(`c${i}`));
    const at3am = new Date('2026-11-22T03:00:00Z');
    const early = cards[0]!;
    const data = progressWith([record(early, reviewMemory(new Date('2026-11-25T00:00:00Z'), at3am))], [review(early.id, at3am)]);
    expect(pickCards(cards, data, scheduler, { now, timeZone: UTC }).newToday).toBe(0);
    // At 03:30 the same review is "today".
    expect(pickCards(cards, data, scheduler, { now: new Date('2026-11-22T03:30:00Z'), timeZone: UTC }).newToday).toBe(1);
  });

  it('uses the given time zone for the study day', () => {
    // 2026-11-22T19:00Z is 03:00 on the 23rd in Shanghai (still the 22nd's study day) and 14:00 on the 22nd in New York.
    const at = new Date('2026-11-22T19:00:00Z');
    const laterNow = new Date('2026-11-22T21:00:00Z'); // 05:00 on the 23rd in Shanghai: a new study day
    const reviews = [review('x', at)];
    expect(countToday(reviews, laterNow, 'Asia/Shanghai').newCards).toBe(0);
    expect(countToday(reviews, laterNow, 'America/New_York').newCards).toBe(1);
  });

  it('stops at the daily review limit, keeping the weakest due cards', () => {
    const cards = Array.from({ length: 5 }, (_, i) => makeCard(`d${i}`));
    const data = progressWith(
      cards.map((c, i) => record(c, reviewMemory(daysAgo(1), daysAgo(20), { stability: 1 + i * 10 }))),
      // two reviews already done today (second reviews of a card count against the review limit)
      [review('other', daysAgo(3)), review('other', new Date('2026-11-22T05:00:00Z')), review('other', new Date('2026-11-22T06:00:00Z'))],
    );
    const result = pickCards(cards, data, scheduler, { now, timeZone: UTC, reviewsPerDay: 4 });
    expect(result.reviewsToday).toBe(2);
    expect(result.queue.map((p) => p.card.id)).toEqual(['d0', 'd1']);
    expect(result.dueHeldBack).toBe(3);
  });

  it('breaks ties in retrievability by the earlier due date, then by deck order', () => {
    // Same stability and last review: the same retrievability.
    const memory = (due: Date) => reviewMemory(due, daysAgo(10), { stability: 4 });
    const cards = ['late', 'first', 'early', 'second'].map((id) => makeCard(id));
    const [late, first, early, second] = cards as [ReturnType<typeof makeCard>, ReturnType<typeof makeCard>, ReturnType<typeof makeCard>, ReturnType<typeof makeCard>];
    const data = progressWith([record(late, memory(daysAgo(1))), record(first, memory(daysAgo(2))), record(early, memory(daysAgo(3))), record(second, memory(daysAgo(2)))]);
    expect(pickCards(cards, data, scheduler, { now, timeZone: UTC }).queue.map((p) => p.card.id)).toEqual(['early', 'first', 'second', 'late']);
    // Cram: never-reviewed cards count as retrievability 0 (weakest), in deck order.
    const withNew = [makeCard('new2'), ...cards, makeCard('new1')];
    expect(pickCards(withNew, data, scheduler, { now, timeZone: UTC, cram: true }).queue.map((p) => p.card.id)).toEqual(['new2', 'new1', 'early', 'first', 'second', 'late']);
  });

  it('does not count cram reviews against the daily limits', () => {
    const reviews = [review('a', new Date('2026-11-22T05:00:00Z'), { mode: 'cram' }), review('b', new Date('2026-11-22T05:00:00Z'), { mode: 'cram' })];
    expect(countToday(reviews, now, UTC)).toEqual({ reviews: 0, newCards: 0 });
  });

  it('--cram takes every matching card regardless of schedule and limits, weakest first, but not cards to prepare', () => {
    const notDue = makeCard('notdue');
    const due = makeCard('due');
    const fresh = makeCard('fresh');
    const empty = makeCard('empty', { sections: {}, keyPoints: [] });
    const data = progressWith([
      record(notDue, reviewMemory(new Date(now.getTime() + 30 * 86_400_000), daysAgo(1), { stability: 50 })),
      record(due, reviewMemory(daysAgo(2), daysAgo(10), { stability: 3 })),
    ]);
    const result = pickCards([notDue, due, fresh, empty], data, scheduler, { now, timeZone: UTC, cram: true, newPerDay: 0, reviewsPerDay: 0 });
    expect(result.queue.map((p) => p.card.id)).toEqual(['fresh', 'due', 'notdue']);
    expect(result.queue.every((p) => p.mode === 'cram')).toBe(true);
    expect(result.queue.map((p) => p.kind)).toEqual(['new', 'due', 'other']);
    expect(result.toPrepare).toBe(1);
  });

  it('--limit cuts the queue, due cards kept first', () => {
    const due = makeCard('due');
    const cards = [makeCard('n1'), makeCard('n2'), due];
    const data = progressWith([record(due, reviewMemory(daysAgo(1), daysAgo(5)))]);
    expect(pickCards(cards, data, scheduler, { now, timeZone: UTC, limit: 2 }).queue.map((p) => p.card.id)).toEqual(['due', 'n1']);
  });

  it('--shuffle with a seed gives a repeatable order of the same cards', () => {
    const cards = Array.from({ length: 10 }, (_, i) => makeCard(`s${i}`));
    const data = progressWith([]);
    const a = pickCards(cards, data, scheduler, { now, shuffle: true, seed: 7, newPerDay: 20 }).queue.map((p) => p.card.id);
    const b = pickCards(cards, data, scheduler, { now, shuffle: true, seed: 7, newPerDay: 20 }).queue.map((p) => p.card.id);
    const c = pickCards(cards, data, scheduler, { now, shuffle: true, seed: 8, newPerDay: 20 }).queue.map((p) => p.card.id);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect([...a].sort()).toEqual(cards.map((x) => x.id).sort());
    expect(a).not.toEqual(cards.map((x) => x.id));
  });
});

it('does not mistake a card named __proto__ for a reviewed card', () => {
  const data = { ...progressWith([]), cards: {} }; // a plain object, as JSON.parse would give
  const result = pickCards([makeCard('__proto__'), makeCard('constructor')], data, scheduler, { now, timeZone: UTC });
  expect(result.queue.map((p) => p.kind)).toEqual(['new', 'new']);
});

describe('picking from summaries (drill picks from the deck cache summary)', () => {
  const cards = [
    makeCard('fresh1'),
    makeCard('strong'),
    makeCard('unwritten', { sections: {}, keyPoints: [] }),
    makeCard('weak'),
    makeCard('later'),
    makeCard('points-only', { sections: {}, keyPoints: ['a point'] }),
  ];
  const data = progressWith([
    record(cards[1]!, reviewMemory(daysAgo(1), daysAgo(30), { stability: 200 })),
    record(cards[3]!, reviewMemory(daysAgo(1), daysAgo(30), { stability: 2 })),
    record(cards[4]!, reviewMemory(new Date(now.getTime() + 5 * 86_400_000), daysAgo(1))),
    record(cards[2]!, reviewMemory(new Date(now.getTime() + 86_400_000), daysAgo(1))),
  ]);
  const summaries = cards.map(summarizeCard);

  it('gives the queue, counts and next due date that the full cards give', () => {
    for (const options of [{ now, timeZone: UTC }, { now, timeZone: UTC, cram: true }, { now, timeZone: UTC, newPerDay: 1, limit: 2 }]) {
      const full = pickCards(cards, data, scheduler, options);
      const light = pickCards(summaries, data, scheduler, options);
      expect(light.queue.map((p) => [p.card.id, p.mode, p.kind])).toEqual(full.queue.map((p) => [p.card.id, p.mode, p.kind]));
      expect({ ...light, queue: [] }).toEqual({ ...full, queue: [] });
    }
    expect(pickCards(summaries, data, scheduler, { now, timeZone: UTC }).toPrepare).toBe(1);
    expect(pickCards(summaries, data, scheduler, { now, timeZone: UTC }).queue.map((p) => p.card.id)).not.toContain('unwritten');
    // The to-prepare card has the earliest due date but is no card to drill.
    expect(nextDue(summaries, data.cards, now)).toEqual(nextDue(cards, data.cards, now));
    expect(nextDue(summaries, data.cards, now)).toEqual(new Date(now.getTime() + 5 * 86_400_000));
  });
});

describe('smallest', () => {
  it('is the first `count` of the sorted items, for any count, with ties and repeated values', () => {
    const random = seededRandom(3);
    for (const length of [0, 1, 2, 5, 17, 200]) {
      const values = Array.from({ length }, () => Math.floor(random() * 10)); // many ties
      const positions = values.map((_, i) => i);
      const compare = (a: number, b: number) => values[a]! - values[b]! || a - b;
      const sorted = [...positions].sort(compare);
      for (const count of [0, 1, 3, length - 1, length, length + 5]) expect(smallest(positions, count, compare)).toEqual(sorted.slice(0, Math.max(0, count)));
    }
  });

  it('keeps the weakest due cards when thousands are due for a limit of 100', () => {
    const cards = Array.from({ length: 3000 }, (_, i) => makeCard(`c${i}`));
    const random = seededRandom(9);
    const data = progressWith(cards.map((c) => record(c, reviewMemory(daysAgo(1 + Math.floor(random() * 5)), daysAgo(20), { stability: 1 + Math.floor(random() * 50) }))));
    const picked = pickCards(cards, data, scheduler, { now, timeZone: UTC });
    const strength = (id: string) => scheduler.retrievability(data.cards[id]!.memory, now);
    const byHand = [...cards].sort((a, b) => strength(a.id) - strength(b.id) || data.cards[a.id]!.memory.due.getTime() - data.cards[b.id]!.memory.due.getTime() || cards.indexOf(a) - cards.indexOf(b));
    expect(picked.queue.map((p) => p.card.id)).toEqual(byHand.slice(0, 100).map((c) => c.id));
    expect(picked.dueHeldBack).toBe(2900);
  });
});

describe('shuffled', () => {
  it('keeps every item', () => {
    expect(shuffled([1, 2, 3, 4, 5], 42).sort()).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('isDue', () => {
  it('treats a review card as due all through its study day, a learning card only at its time', () => {
    const morning = new Date('2026-11-22T05:00:00Z');
    const dueEvening = new Date('2026-11-22T20:00:00Z');
    expect(isDue(reviewMemory(dueEvening, daysAgo(3)), morning, UTC)).toBe(true);
    expect(isDue(reviewMemory(new Date('2026-11-23T05:00:00Z'), daysAgo(3)), morning, UTC)).toBe(false);
    // due at 03:00 next calendar day = still the 22nd's study day
    expect(isDue(reviewMemory(new Date('2026-11-23T03:00:00Z'), daysAgo(3)), morning, UTC)).toBe(true);
    const learning = reviewMemory(new Date(morning.getTime() + 5 * 60_000), morning, { phase: 'learning' });
    expect(isDue(learning, morning, UTC)).toBe(false);
    expect(isDue(learning, new Date(morning.getTime() + 6 * 60_000), UTC)).toBe(true);
    expect(isDue({ ...learning, phase: 'new' }, new Date('2030-01-01'), UTC)).toBe(false);
  });
});

describe('nextDue', () => {
  it('is the earliest future due date among reviewed cards', () => {
    const a = makeCard('a');
    const b = makeCard('b');
    const soon = new Date(now.getTime() + 3600_000);
    const data = progressWith([record(a, reviewMemory(new Date(now.getTime() + 86_400_000), now)), record(b, reviewMemory(soon, now))]);
    expect(nextDue([a, b, makeCard('new')], data.cards, now)).toEqual(soon);
    expect(nextDue([makeCard('new')], data.cards, now)).toBeNull();
  });
});

describe('countRecent', () => {
  it('gives countToday from the recent reviews and what came before, and pickCards uses it when given', () => {
    const hours = (h: number) => new Date(now.getTime() + h * 3_600_000);
    const reviews = [
      review('old', hours(-24 * 30)),
      review('crammed-before', hours(-24 * 10), { mode: 'cram' }),
      review('old', hours(-2)),
      review('crammed-before', hours(-1)),
      review('brand-new', hours(-3)),
      review('brand-new', hours(-1)),
      review('yesterday', hours(-26)),
      review('yesterday', hours(-0.5)),
    ].sort((a, b) => a.at.getTime() - b.at.getTime());
    const sinceMs = now.getTime() - RECENT_MS;
    const before = new Set(reviews.filter((r) => r.at.getTime() < sinceMs && r.mode === 'scheduled').map((r) => r.cardId));
    const recent = { sinceMs, reviews: reviews.filter((r) => r.at.getTime() >= sinceMs), scheduledBefore: (id: string) => before.has(id) };
    expect(countToday(reviews, now, UTC)).toEqual({ reviews: 3, newCards: 2 });
    expect(countRecent(recent, now, UTC)).toEqual(countToday(reviews, now, UTC));
    const cards = ['old', 'crammed-before', 'brand-new', 'yesterday', 'f1', 'f2', 'f3'].map((id) => makeCard(id));
    const data = progressWith([]);
    data.reviews = reviews;
    const withRecent = pickCards(cards, { ...data, reviews: [] }, scheduler, { now, timeZone: UTC, newPerDay: 3, recent });
    const whole = pickCards(cards, data, scheduler, { now, timeZone: UTC, newPerDay: 3 });
    expect(withRecent).toEqual(whole);
    expect(whole.newToday).toBe(2);
  });
});
