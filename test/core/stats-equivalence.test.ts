/**
 * The columnar stats (statsFromColumns, what a warm `prep stats` runs on the cached digest) against
 * the plain object version they replaced (stats-reference.ts), on generated histories: same values,
 * key for key, for many clocks, time zones, limits and filters. Seeded, so every run is the same.
 */
import { describe, expect, it } from 'vitest';
import type { CardSummary } from '../../src/core/card.js';
import { emptyProgress, type CardRecord, type FsrsPhase, type Grade, type ProgressData, type Review } from '../../src/core/progress-model.js';
import { seededRandom } from '../../src/core/random.js';
import { Scheduler } from '../../src/core/schedule.js';
import { columnsFromDigest, digestFor, INT_FIELDS, NUM, NUM_FIELDS, recallAt, SMALL, SMALL_FIELDS, digestFromColumns, statsFromColumns, statsFromDigest, validColumns, type ProgressDigest, type StatsOptions } from '../../src/core/stats.js';
import { referenceStatsFromDigest } from './stats-reference.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-14T12:00:00Z');

/** The seeded generator, with helpers for whole numbers and picks. */
function random(seed: number) {
  const next = seededRandom(seed);
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]! };
}

const TAGS = ['behavioural', 'Behavioural', 'system design', 'system_design', 'coding', '领导力', 'hr'];
const COMPANIES = [null, null, 'Acme', 'acme ', 'Globex', '', 'Ｈｏｏｌｉ'];
const PHASES: FsrsPhase[] = ['new', 'learning', 'review', 'relearning'];

/** A deck of summaries and a history: records with every kind of memory, orphans, cram, ties. */
function generate(seed: number, size: number): { cards: CardSummary[]; data: ProgressData } {
  const r = random(seed);
  const cards: CardSummary[] = [];
  for (let i = 0; i < size; i++) {
    const tags = Array.from({ length: r.int(4) }, () => r.pick(TAGS));
    cards.push({
      id: `c${i}`,
      // Repeated questions: ties in the ranking keep the deck order, whatever the questions.
      question: r.next() < 0.3 ? 'Same question?' : `Question ${r.int(size)}?`,
      tags,
      company: r.pick(COMPANIES),
      file: `c${i}.md`,
      line: 1 + r.int(3),
      timeLimitSec: r.pick([60, 90, 120, 180]),
      versions: [],
      spokenSec: {},
      keyPoints: 0,
      keyPointsSource: 'none',
      status: r.next() < 0.1 ? 'to-prepare' : 'ready',
      contentHash: `h${i}`,
    });
  }
  const data = emptyProgress();
  const ids = [...cards.map((c) => c.id), 'gone-1', 'gone-2']; // cards that left the deck
  let seq = 0;
  for (const id of ids) {
    if (r.next() < 0.15) continue; // never rehearsed
    const reviews = r.int(12);
    let at = NOW - (1 + r.int(400)) * DAY + r.int(DAY);
    for (let k = 0; k < reviews; k++) {
      at += r.int(20) * DAY + r.int(DAY);
      if (at > NOW + 2 * DAY) break;
      const review: Review = {
        seq: ++seq,
        cardId: id,
        at: new Date(at),
        grade: (1 + r.int(4)) as Grade,
        elapsedMs: r.pick([0, 15_000, 59_999, 60_000, 61_000, 150_000, 400_000]) + r.int(1000),
        timeLimitSec: r.pick([0, 60, 90, 120]),
        mode: r.next() < 0.2 ? 'cram' : 'scheduled',
        typed: false,
        contentHash: r.next() < 0.5 ? `h${id.slice(1)}` : 'old',
      };
      data.reviews.push(review);
    }
    if (r.next() < 0.1 && reviews > 0) continue; // a history without a record
    const phase = r.pick(PHASES);
    const last = r.next() < 0.1 ? null : new Date(NOW - r.int(60) * DAY - r.int(DAY) + (r.next() < 0.05 ? 3 * DAY : 0));
    const record: CardRecord = {
      id,
      question: '',
      file: '',
      contentHash: '',
      memory: {
        phase,
        due: new Date(NOW + (r.int(40) - 10) * DAY + r.int(DAY)),
        // Equal stabilities and times now and then: equal scores.
        stability: r.next() < 0.2 ? 10 : 0.1 + r.next() * 200,
        difficulty: 1 + r.next() * 9,
        reps: r.int(20),
        lapses: r.pick([0, 0, 1, 2, 3, 7]),
        learningSteps: r.int(2),
        scheduledDays: r.int(60),
        lastReview: last,
      },
    };
    data.cards[id] = record;
  }
  data.lastSeq = seq;
  return { cards, data };
}

const canonical = (d: ProgressDigest) => ({
  ...d,
  records: Object.entries(d.records)
    .map(([id, r]) => [id, r.memory] as const) // of a record, the digest keeps the memory state only
    .sort(([a], [b]) => (a < b ? -1 : 1)),
  cards: [...d.cards].sort(([a], [b]) => (a < b ? -1 : 1)),
  days: [...d.days].sort(([a], [b]) => (a < b ? -1 : 1)),
});

describe('columnar stats against the plain version', () => {
  const clocks = ['2026-11-14T12:00:00Z', '2026-11-14T03:59:59Z', '2026-11-15T04:00:00Z', '2026-12-31T23:30:00Z', '2025-01-01T00:00:00Z'];
  const cases: Array<Omit<StatsOptions, 'now'>> = [
    { timeZone: 'UTC' },
    { timeZone: 'America/New_York', limit: 1 },
    { timeZone: 'Asia/Kathmandu', limit: 3 },
    { timeZone: 'Australia/Lord_Howe', limit: 500 },
    { timeZone: 'UTC', limit: 0 },
    { timeZone: 'UTC', limit: 2.5 },
    { timeZone: 'UTC', limit: -2 },
    { timeZone: 'UTC', limit: 100 },
    { timeZone: 'UTC', since: '2026-11-01' },
    { timeZone: 'Europe/Berlin', tags: ['system-design'] },
    { timeZone: 'UTC', company: 'ACME' },
    { timeZone: 'UTC', tags: ['hr', 'coding'], since: '2026-10-20', limit: 20 },
    { timeZone: undefined },
  ];

  for (const seed of [1, 2, 3]) {
    it(`gives the same stats, value for value (history ${seed})`, () => {
      const { cards, data } = generate(seed, 300);
      for (const options of cases) {
        const digest = digestFor(cards, data, options);
        for (const clock of clocks) {
          const full = { ...options, now: new Date(clock) };
          const expected = referenceStatsFromDigest(cards, digest, full);
          expect(JSON.stringify(statsFromDigest(cards, digest, full))).toBe(JSON.stringify(expected));
        }
      }
    });
  }

  it('covers cards without a memory state (recall unknown) as well as scheduled ones', () => {
    const { cards, data } = generate(1, 300);
    const options = { timeZone: 'UTC', limit: 500, now: new Date(NOW) };
    const digest = digestFor(cards, data, options);
    const weakest = statsFromDigest(cards, digest, options).weakest;
    const unknown = weakest.filter((w) => w.retrievability === null);
    expect(unknown.length).toBeGreaterThan(5);
    expect(weakest.length - unknown.length).toBeGreaterThan(50);
    for (const w of unknown) expect(w.phase === 'new' || data.cards[w.id]?.memory.lastReview === null).toBe(true);
    expect(weakest).toEqual(referenceStatsFromDigest(cards, digest, options).weakest);
  });

  it('keeps every value through columns and back', () => {
    const { cards, data } = generate(7, 200);
    const digest = digestFor(cards, data, { timeZone: 'UTC' });
    const columns = columnsFromDigest(digest);
    expect(validColumns(columns)).toBe(true);
    expect(canonical(digestFromColumns(columns))).toEqual(canonical(digest));
    expect(columns.records).toBe(Object.keys(data.cards).length);
  });

  it('turns down columns that do not hold what a digest makes', () => {
    const { cards, data } = generate(8, 50);
    const good = columnsFromDigest(digestFor(cards, data, { timeZone: 'UTC' }));
    const withNum = (at: number, value: number) => {
      const num = good.num.slice();
      num[at] = value;
      return { ...good, num };
    };
    const withSmall = (at: number, value: number) => {
      const small = good.small.slice();
      small[at] = value;
      return { ...good, small };
    };
    const row = good.ids.findIndex((_, i) => good.small[i * SMALL_FIELDS + SMALL.hasHistory] === 1 && good.small[i * SMALL_FIELDS + SMALL.record] !== 0);
    const [on, os] = [row * NUM_FIELDS, row * SMALL_FIELDS];
    const bare = good.ids.findIndex((_, i) => good.small[i * SMALL_FIELDS + SMALL.hasHistory] === 0);
    const bad = [
      withSmall(os + SMALL.record, 5),
      withSmall(os + SMALL.hasHistory, 2),
      withSmall(os + SMALL.phase, 4),
      withSmall(os + SMALL.recentCount, 6),
      withSmall(os + SMALL.grades, 5),
      withSmall(os + SMALL.hasLastReview, 3),
      withNum(on + NUM.due, Infinity),
      withNum(on + NUM.lastReview, Number.NaN),
      withNum(on + NUM.overtime, -0.5),
      withNum(on + NUM.lastSeq, 0.5),
      withNum(bare * NUM_FIELDS + NUM.lastAt, 5), // history numbers on a card without history
      { ...good, int: Float64Array.from(good.int, (x, i) => (i === row * INT_FIELDS ? 1.5 : x)) },
      { ...good, ids: [...good.ids.slice(0, -1), good.ids[0]!] }, // a duplicate id
      { ...good, hashes: good.hashes.slice(1) },
      { ...good, days: good.days.map((d, i) => (i === 0 ? 'yesterday' : d)) },
      { ...good, records: good.records + 1 },
      { ...good, allReviews: -1 },
      { ...good, num: good.num.subarray(1) },
    ];
    expect(bare).toBeGreaterThanOrEqual(0);
    expect(validColumns(good)).toBe(true);
    for (const columns of bad) expect(validColumns(columns)).toBe(false);
  });

  it('makes the same stats from columns as from the digest', () => {
    const { cards, data } = generate(9, 100);
    const digest = digestFor(cards, data, { timeZone: 'UTC' });
    const options = { now: new Date(NOW), timeZone: 'UTC' };
    expect(statsFromColumns(cards, columnsFromDigest(digest), options)).toEqual(referenceStatsFromDigest(cards, digest, options));
  });

  it('computes recall exactly as the scheduler does', () => {
    const { cards, data } = generate(11, 400);
    const columns = columnsFromDigest(digestFor(cards, data, { timeZone: 'UTC' }));
    const scheduler = new Scheduler();
    let compared = 0;
    for (const clock of [NOW, NOW - 3 * DAY, NOW + 0.5 * DAY, NOW + 90 * DAY]) {
      columns.ids.forEach((id, row) => {
        const record = data.cards[id];
        if (!record) return;
        const expected = Math.min(1, Math.max(0, scheduler.retrievability(record.memory, new Date(clock))));
        expect(recallAt(columns, row, clock)).toBe(expected);
        compared++;
      });
    }
    expect(compared).toBeGreaterThan(1000);
  });

  it('counts study days in the machine zone as studyDay does, across daylight saving', () => {
    const { cards, data } = generate(12, 300);
    const saved = process.env.TZ;
    try {
      for (const zone of ['America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Pacific/Chatham']) {
        process.env.TZ = zone;
        expect(new Date(Date.UTC(2026, 6, 1)).getTimezoneOffset()).not.toBe(0); // the zone took effect
        const digest = digestFor(cards, data, {});
        for (const clock of ['2026-03-08T06:30:00Z', '2026-11-01T05:59:00Z', '2026-10-04T15:45:00Z', '2026-11-14T12:00:00Z']) {
          const options = { now: new Date(clock) };
          expect(JSON.stringify(statsFromDigest(cards, digest, options))).toBe(JSON.stringify(referenceStatsFromDigest(cards, digest, options)));
        }
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});
