/** The stats view: its group order by name (nameRanks), the order localeCompare gives, ties included; and what validView refuses. */
import { describe, expect, it } from 'vitest';
import type { CardSummary } from '../../src/core/card.js';
import { emptyProgress, type ProgressData } from '../../src/core/progress-model.js';
import { columnsFromDigest, digestProgress, FLAG_BITS, groupNameRanks, statsFromView, statsView, validView, type StatsView } from '../../src/core/stats.js';

const NOW = Date.parse('2026-11-14T12:00:00Z');
const DAY = 86_400_000;
const NAMES = ['beta', 'Beta', 'alpha', 'é', 'e\u0301', 'Zulu', 'zulu', '', '领导力', 'a-b', 'a b', 'ab', 'Ωmega'];

/** Cards whose groups tie on weakness (the same history for all), so the names decide the order. */
function deck(): { cards: CardSummary[]; data: ProgressData } {
  const cards: CardSummary[] = NAMES.map((name, i) => ({
    id: `c${i}`,
    question: `Q${i}?`,
    tags: name === '' ? [] : [name],
    company: i % 3 === 0 ? null : NAMES[(i * 5) % NAMES.length]!,
    file: `c${i}.md`,
    line: 1,
    timeLimitSec: 60,
    versions: [],
    spokenSec: {},
    keyPoints: 0,
    keyPointsSource: 'none',
    status: 'ready',
    contentHash: `h${i}`,
  }));
  const data = emptyProgress();
  cards.forEach((card, i) => {
    const at = new Date(NOW - 3 * DAY);
    data.reviews.push({ seq: i + 1, cardId: card.id, at, grade: 3, elapsedMs: 30_000, timeLimitSec: 60, mode: 'scheduled', typed: false, contentHash: card.contentHash });
    data.cards[card.id] = {
      id: card.id,
      question: card.question,
      file: card.file,
      contentHash: card.contentHash,
      memory: { phase: 'review', due: new Date(NOW + DAY), stability: 5, difficulty: 5, reps: 1, lapses: 0, learningSteps: 0, scheduledDays: 4, lastReview: at },
    };
  });
  data.lastSeq = cards.length;
  return { cards, data };
}

describe('group names ranked for the view', () => {
  it('ranks names in localeCompare order, equal names equal', () => {
    const view = { tagGroups: NAMES.map((n) => (n === '' ? null : n)), companyGroups: ['x', null, 'X', 'x'] };
    const ranks = groupNameRanks(view);
    const check = (names: (string | null)[], first: number) => {
      for (let a = 0; a < names.length; a++) {
        for (let b = 0; b < names.length; b++) {
          expect(Math.sign(ranks[first + a]! - ranks[first + b]!), `${names[a]} / ${names[b]}`).toBe(Math.sign((names[a] ?? '').localeCompare(names[b] ?? '')));
        }
      }
    };
    check(view.tagGroups, 0);
    check(view.companyGroups, view.tagGroups.length);
    expect(ranks[NAMES.indexOf('é')]).toBe(ranks[NAMES.indexOf('e\u0301')]); // canonically equivalent: equal
  });

  it('orders tied groups as localeCompare does', () => {
    const { cards, data } = deck();
    const view = statsView(cards, columnsFromDigest(digestProgress(data)), {});
    const ranked = { ...view, nameRanks: groupNameRanks(view) };
    for (const now of [NOW, NOW + 2 * DAY, NOW + 40 * DAY]) {
      const plain = statsFromView(view, { now: new Date(now) });
      expect(new Set(plain.byTag.map((g) => g.weakness)).size).toBe(1); // every tag group ties
      expect(statsFromView(ranked, { now: new Date(now) })).toEqual(plain);
    }
    // A wrong order would show: reversed ranks give another order.
    const reversed = { ...view, nameRanks: Uint32Array.from(ranked.nameRanks, (r) => 1000 - r) };
    expect(statsFromView(reversed, { now: new Date(NOW) }).byTag).not.toEqual(statsFromView(view, { now: new Date(NOW) }).byTag);
  });
});

describe('validView', () => {
  const view = () => {
    const { cards, data } = deck();
    return statsView(cards, columnsFromDigest(digestProgress(data)), {});
  };

  it('accepts a view as statsView makes it', () => {
    expect(validView(view())).toBe(true);
  });

  it.each<[string, (v: StatsView) => void]>([
    ['NaN among the numbers', (v) => (v.num[3] = NaN)],
    ['Infinity among the numbers', (v) => (v.num[v.num.length - 1] = Infinity)],
    ['-Infinity in a group', (v) => (v.groupNums[0] = -Infinity)],
    ['a record code out of range', (v) => (v.codes[v.count - 1] = 5)],
    ['a flag out of range', (v) => (v.flags[0] = FLAG_BITS + 1)],
    ['tag ranges that go back', (v) => {
      v.tagStart[1] = v.tagStart[2]! + 1;
    }],
    ['a tag group that does not exist', (v) => (v.tagList[v.tagList.length - 1] = v.tagGroups.length)],
    ['a company group that does not exist', (v) => (v.companyOf[v.count - 1] = v.companyGroups.length)],
  ])('refuses %s', (_what, damage) => {
    const v = view();
    damage(v);
    expect(validView(v)).toBe(false);
  });
});
