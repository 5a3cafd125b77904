/**
 * The straightforward statsFromDigest as it was before the columnar rewrite (one object per card,
 * full sort, closures): kept here as the oracle the fast path in src/core/stats.ts must match
 * value for value (test/core/stats-equivalence.test.ts).
 */
import { isToPrepare } from '../../src/core/card.js';
import { filterCards } from '../../src/core/deck.js';
import type { CardRecord, FsrsPhase, Review } from '../../src/core/progress-model.js';
import { Scheduler } from '../../src/core/schedule.js';
import {
  DEFAULT_WEAKEST_LIMIT,
  FORECAST_DAYS,
  HISTORY_WEEKS,
  overtimeOf,
  weaknessScore,
  type CardDigest,
  type ForecastDay,
  type GroupStats,
  type HistoryDay,
  type Overview,
  type ProgressDigest,
  type Rate,
  type Stats,
  type StatsCard,
  type StatsOptions,
  type WeakCard,
} from '../../src/core/stats.js';
import { addDays, studyDay } from '../../src/core/study-day.js';
import { normalizeTag } from '../../src/core/time-limits.js';

const toPrepare = (card: StatsCard) => ('status' in card ? card.status === 'to-prepare' : isToPrepare(card));

interface CardFacts {
  card: StatsCard;
  record: Pick<CardRecord, 'memory'> | undefined;
  phase: FsrsPhase;
  scheduled: boolean;
  rehearsed: boolean;
  dueOffset: number | null;
  /** null: no recall estimate (no FSRS memory state: no record, a new one, or one never reviewed). */
  retrievability: number | null;
  digest: CardDigest | undefined;
  score: number | null;
  edited: boolean;
}

export function referenceStatsFromDigest(allCards: readonly StatsCard[], digest: ProgressDigest, options: StatsOptions): Stats {
  const { now, timeZone } = options;
  const since = options.since ?? null;
  if (since !== digest.since || timeZone !== digest.timeZone) throw new Error('stats: the digest was made for another --since or time zone');
  const scheduler = new Scheduler(options.retention);
  const today = studyDay(now, timeZone);
  const cards = filterCards(allCards, { tags: options.tags, company: options.company });
  const progress = { cards: digest.records };
  // Study days until due (0 when overdue). Only 0 to FORECAST_DAYS - 1 are ever shown, and formatting
  // a time in a time zone is slow at 10,000 cards: overdue is 0, and far off is simply far off.
  const dayOfTime = studyDayMemo(timeZone);
  const todayOrdinalNow = dayOrdinal(today);
  const dueOffsetOf = (due: Date): number => {
    const ahead = due.getTime() - now.getTime();
    if (ahead <= 0) return 0;
    if (ahead > (FORECAST_DAYS + 2) * 86_400_000) return Math.floor(ahead / 86_400_000); // ≥ FORECAST_DAYS study days
    return Math.max(0, dayOrdinal(dayOfTime(due)) - todayOrdinalNow);
  };

  const facts: CardFacts[] = cards.map((card) => {
    const record = progress.cards[card.id];
    const history = digest.cards.get(card.id);
    const phase: FsrsPhase = record?.memory.phase ?? 'new';
    const scheduled = record !== undefined && phase !== 'new';
    const rehearsed = (history?.reviews ?? 0) > 0 || (record?.memory.lastReview ?? null) !== null;
    const edited = history !== undefined && history.lastHash !== card.contentHash;
    const dueOffset = scheduled ? dueOffsetOf(record.memory.due) : null;
    const hasMemory = scheduled && record.memory.lastReview !== null;
    const retrievability = hasMemory ? safeRetrievability(scheduler, record, now) : null;
    let score: number | null = null;
    if (rehearsed) {
      const recent = history?.recent ?? [];
      score = weaknessScore({
        retrievability,
        lapses: record?.memory.lapses ?? 0,
        againHardShare: share(recent, (r) => r.grade <= 2),
        overtime: overtimeOf(recent),
      });
    }
    return { card, record, phase, scheduled, rehearsed, dueOffset, retrievability, digest: history, score, edited };
  });

  // Ranked on the sort keys alone; the full rows (dates formatted, tags copied) are built for the ones shown only.
  const ranked = facts
    .filter((f) => f.rehearsed)
    .map((f) => ({ f, score: f.score!, retrievability: f.retrievability === null ? null : round(f.retrievability, 3), lapses: f.record?.memory.lapses ?? 0 }))
    // Ties keep deck order (a stable sort); an unknown recall counts as 0 among equal scores.
    .sort((a, b) => b.score - a.score || (a.retrievability ?? 0) - (b.retrievability ?? 0) || b.lapses - a.lapses)
    .slice(0, options.limit ?? DEFAULT_WEAKEST_LIMIT);
  const weakest = ranked.map(({ f, score, retrievability, lapses }, i): WeakCard => {
    const recent = f.digest?.recent ?? [];
    const last = f.digest ? new Date(f.digest.lastAt) : undefined;
    const recorded = f.record?.memory.lastReview ?? null;
    const lastAt = recorded && (!last || recorded.getTime() >= last.getTime()) ? recorded : (last ?? recorded);
    return {
      rank: i + 1,
      id: f.card.id,
      question: f.card.question,
      file: f.card.file,
      line: f.card.line,
      tags: [...f.card.tags],
      company: f.card.company,
      score,
      retrievability,
      lapses,
      reviews: f.digest?.counted ?? 0,
      againHardShare: round(share(recent, (r) => r.grade <= 2), 3),
      overtime: round(overtimeOf(recent), 3),
      averageSec: recent.length > 0 ? round(mean(recent.map((r) => r.elapsedMs / 1000)), 1) : null,
      limitSec: f.card.timeLimitSec,
      lastReview: lastAt ? lastAt.toISOString() : null,
      lastReviewDay: lastAt ? studyDay(new Date(lastAt.toISOString()), timeZone) : null,
      due: f.scheduled ? f.record!.memory.due.toISOString() : null,
      phase: f.phase,
      edited: f.edited,
    };
  });

  const todayOrdinal = dayOrdinal(today);
  const dayList = [...digest.days].map(([day, d]) => ({ ago: todayOrdinal - dayOrdinal(day), ...d }));
  const within = (days: number) => dayList.filter((d) => d.ago >= 0 && d.ago < days);
  const retentionOver = (days: number): Rate => rate(within(days).reduce((n, d) => n + d.eligible, 0), within(days).reduce((n, d) => n + d.passed, 0));
  const perDay = (days: number) => {
    // With --since inside the window, average over the days since then only.
    const windowDays = since === null ? days : Math.max(1, Math.min(days, dayOrdinal(today) - dayOrdinal(since) + 1));
    const n = within(windowDays).reduce((sum, d) => sum + d.reviews, 0);
    return round(n / windowDays, 1);
  };

  const totals = digest.totals;
  const overview: Overview = {
    today,
    since,
    cards: {
      total: cards.length,
      new: facts.filter((f) => !f.scheduled).length,
      learning: facts.filter((f) => f.scheduled && (f.phase === 'learning' || f.phase === 'relearning')).length,
      review: facts.filter((f) => f.scheduled && f.phase === 'review').length,
      dueToday: facts.filter((f) => f.dueOffset === 0).length,
      neverRehearsed: facts.filter((f) => !f.rehearsed).length,
      toPrepare: facts.filter((f) => toPrepare(f.card)).length,
      edited: facts.filter((f) => f.edited).length,
    },
    editedCards: facts.filter((f) => f.edited).map((f) => f.card.id),
    retention: { last7: retentionOver(7), last30: retentionOver(30) },
    reviewsPerDay: { last7: perDay(7), last30: perDay(30) },
    reviews: { total: totals.reviews, scheduled: totals.scheduled, cram: totals.cram },
    answerTime:
      totals.reviews === 0
        ? { averageSec: null, averageLimitSec: null, ratio: null, overLimitShare: null }
        : {
            averageSec: round(totals.seconds / totals.reviews, 1),
            averageLimitSec: round(totals.limitSec / totals.reviews, 1),
            ratio: round(totals.ratio / totals.reviews, 3),
            overLimitShare: round(totals.over / totals.reviews, 3),
          },
  };

  const forecast: ForecastDay[] = [];
  const dueOn = new Array<number>(FORECAST_DAYS).fill(0);
  for (const f of facts) if (f.dueOffset !== null && f.dueOffset < FORECAST_DAYS) dueOn[f.dueOffset]!++;
  for (let i = 0; i < FORECAST_DAYS; i++) forecast.push({ day: addDays(today, i), due: dueOn[i]! });

  const weeks = options.weeks ?? HISTORY_WEEKS;
  const firstDay = addDays(today, -(weekdayIndex(today) + 7 * (weeks - 1)));
  const history: HistoryDay[] = [];
  const historyIndex = new Map<string, HistoryDay>();
  for (let day = firstDay; day <= today; day = addDays(day, 1)) {
    const entry = { day, reviews: 0, again: 0, seconds: 0 };
    history.push(entry);
    historyIndex.set(day, entry);
  }
  for (const entry of history) {
    const d = digest.days.get(entry.day);
    if (d) Object.assign(entry, { reviews: d.reviews, again: d.again, seconds: Math.round(d.seconds) });
  }

  const group = (keysOf: (card: StatsCard) => Array<{ key: string; name: string } | null>): GroupStats[] => {
    const groups = new Map<string, { name: string | null; facts: CardFacts[] }>();
    for (const f of facts) {
      const keys = [...new Map(keysOf(f.card).map((k) => [k?.key, k])).values()];
      for (const k of keys.length > 0 ? keys : [null]) {
        const key = k === null ? '\u0000none' : k.key;
        let g = groups.get(key);
        if (!g) groups.set(key, (g = { name: k?.name ?? null, facts: [] }));
        g.facts.push(f);
      }
    }
    return [...groups.values()]
      .map((g): GroupStats => {
        const reviews = g.facts.reduce((n, f) => n + (f.digest?.counted ?? 0), 0);
        const scores = g.facts.filter((f) => f.score !== null).map((f) => f.score!);
        return {
          name: g.name,
          cards: g.facts.length,
          new: g.facts.filter((f) => !f.scheduled).length,
          dueToday: g.facts.filter((f) => f.dueOffset === 0).length,
          reviews,
          retention: rate(
            g.facts.reduce((n, f) => n + (f.digest?.eligible ?? 0), 0),
            g.facts.reduce((n, f) => n + (f.digest?.passed ?? 0), 0),
          ).rate,
          weakness: scores.length > 0 ? round(mean(scores), 1) : null,
        };
      })
      .sort((a, b) => (b.weakness ?? -1) - (a.weakness ?? -1) || (a.name === null ? 1 : 0) - (b.name === null ? 1 : 0) || (a.name ?? '').localeCompare(b.name ?? ''));
  };
  const tagKeys = new Map<string, string>(); // a few distinct tags across 10,000 cards: normalised once each
  const tagKey = (t: string) => {
    let key = tagKeys.get(t);
    if (key === undefined) tagKeys.set(t, (key = normalizeTag(t)));
    return key;
  };
  const byTag = group((card) => card.tags.map((t) => ({ key: tagKey(t), name: t })));
  const byCompany = group((card) => (card.company ? [{ key: card.company.normalize('NFKC').toLowerCase().trim(), name: card.company }] : []));

  return { weakest, overview, forecast, history, byTag, byCompany };
}

/** Recall probability now, 0–1; 0 if the scheduler cannot tell (a memory it refuses). */
function safeRetrievability(scheduler: Scheduler, record: Pick<CardRecord, 'memory'>, now: Date): number {
  try {
    return clamp01(scheduler.retrievability(record.memory, now));
  } catch {
    return 0;
  }
}

function rate(reviews: number, passed: number): Rate {
  return { passed, reviews, rate: reviews > 0 ? round(passed / reviews, 3) : null };
}

/**
 * studyDay, remembered per quarter hour: every time zone's offset is a whole number of quarter
 * hours, so the 4 a.m. rollover never falls inside one, and reviews come in sessions.
 */
function studyDayMemo(timeZone: string | undefined): (at: Date) => string {
  const memo = new Map<number, string>();
  return (at) => {
    const key = Math.floor(at.getTime() / 900_000);
    let day = memo.get(key);
    if (day === undefined) memo.set(key, (day = studyDay(at, timeZone)));
    return day;
  };
}

/** 0 for Monday … 6 for Sunday. */
function weekdayIndex(day: string): number {
  return (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
}

/** Days since 1970-01-01 of a YYYY-MM-DD day. */
function dayOrdinal(day: string): number {
  return Math.round(Date.parse(`${day}T00:00:00Z`) / 86_400_000);
}

const ratioOf = (r: Pick<Review, 'elapsedMs' | 'timeLimitSec'>) => r.elapsedMs / 1000 / Math.max(1, r.timeLimitSec);
const clamp01 = (x: number) => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);
const mean = (xs: readonly number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
const share = <T>(xs: readonly T[], test: (x: T) => boolean) => (xs.length === 0 ? 0 : xs.filter(test).length / xs.length);
const round = (x: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};
