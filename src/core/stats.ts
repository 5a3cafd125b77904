/**
 * `prep stats` as data: which answers are weak, what is due, what was done. Pure: the cards,
 * the progress data, the clock and the time zone are arguments. The result is plain JSON data
 * (strings, numbers, booleans, null) because `prep stats --json` prints it as it is; its shape
 * is documented in README ("prep stats --json") and must stay stable.
 */
import type { Card } from './card.js';
import { isToPrepare } from './card.js';
import { filterCards } from './deck.js';
import type { CardRecord, FsrsPhase, ProgressData, Review } from './progress-model.js';
import { Scheduler } from './schedule.js';
import { addDays, studyDay, studyDaysBetween } from './study-day.js';
import { normalizeTag } from './time-limits.js';

/** How many of a card's latest rehearsals the "recent" parts of the weakness score look at. */
export const RECENT_REVIEWS = 5;
/** Lapses at which the lapse part of the score is full. */
export const LAPSE_CAP = 5;
/** Weights of the weakness score; they add up to 1, so the score runs from 0 to 100. */
export const WEAKNESS_WEIGHTS = { forgetting: 0.4, lapses: 0.2, againHard: 0.25, overtime: 0.15 } as const;
export const FORECAST_DAYS = 14;
export const HISTORY_WEEKS = 26;
export const DEFAULT_WEAKEST_LIMIT = 10;

export interface StatsOptions {
  now: Date;
  /** IANA time zone for study days; default: the machine's. */
  timeZone?: string;
  /** Only reviews on or after this study day (YYYY-MM-DD) count. */
  since?: string;
  /** Rows in `weakest` (default 10). */
  limit?: number;
  tags?: readonly string[];
  company?: string;
  /** Desired retention of the scheduler; only matters for retrievability (default 0.9). */
  retention?: number;
  /** Weeks of history (default 26). */
  weeks?: number;
}

export interface WeakCard {
  rank: number;
  id: string;
  question: string;
  file: string;
  line: number;
  tags: string[];
  company: string | null;
  /** Weakness score, 0 (solid) to 100 (weakest), one decimal. */
  score: number;
  /** Probability of recalling it now (0–1, three decimals). */
  retrievability: number;
  lapses: number;
  /** Rehearsals counted (scheduled and cram, on or after --since). */
  reviews: number;
  /** Share of the last 5 rehearsals graded Again or Hard (0–1). */
  againHardShare: number;
  /** How far the average answer time of the last 5 rehearsals runs over the limit: 0 at or under it, 1 at twice it or more. */
  overtime: number;
  /** Average answer time of the last 5 rehearsals, seconds; null when none is counted. */
  averageSec: number | null;
  limitSec: number;
  /** Last rehearsal (ISO time) and its study day; null when none. */
  lastReview: string | null;
  lastReviewDay: string | null;
  /** Next due time (ISO); null for a card without a schedule. */
  due: string | null;
  phase: FsrsPhase;
  /** The answer changed since it was last rehearsed. */
  edited: boolean;
}

export interface Rate {
  /** Review-phase scheduled reviews graded Hard, Good or Easy. */
  passed: number;
  /** Review-phase scheduled reviews. */
  reviews: number;
  /** passed / reviews, three decimals; null when there were none. */
  rate: number | null;
}

export interface Overview {
  /** The study day stats were computed for (days roll over at 4 a.m.). */
  today: string;
  since: string | null;
  cards: {
    total: number;
    /** Never scheduled (includes cards never rehearsed). */
    new: number;
    /** Learning or relearning. */
    learning: number;
    review: number;
    /** Scheduled cards due by the end of today's study day, overdue ones included. */
    dueToday: number;
    /** No rehearsal at all, ever. */
    neverRehearsed: number;
    /** Questions without an answer yet. */
    toPrepare: number;
    /** Answer edited since its last rehearsal. */
    edited: number;
  };
  /** Ids of the cards whose answers were edited since their last rehearsal. */
  editedCards: string[];
  /** True retention: share of scheduled reviews of review-phase cards that passed. */
  retention: { last7: Rate; last30: Rate };
  reviewsPerDay: { last7: number; last30: number };
  reviews: { total: number; scheduled: number; cram: number };
  answerTime: {
    /** Mean answer time and mean time limit of the rehearsals counted, seconds; null when none. */
    averageSec: number | null;
    averageLimitSec: number | null;
    /** Mean of answer time ÷ limit (1 = exactly on time). */
    ratio: number | null;
    /** Share of rehearsals that ran over their limit. */
    overLimitShare: number | null;
  };
}

export interface ForecastDay {
  day: string;
  /** Cards due that study day (the first day, today, includes overdue cards). */
  due: number;
}

export interface HistoryDay {
  day: string;
  reviews: number;
  /** Of which graded Again. */
  again: number;
  /** Total answer time, seconds. */
  seconds: number;
}

export interface GroupStats {
  /** The tag or company; null for cards without one. */
  name: string | null;
  cards: number;
  new: number;
  dueToday: number;
  reviews: number;
  /** True retention of the group's review-phase reviews (on or after --since); null when none. */
  retention: number | null;
  /** Mean weakness score of its rehearsed cards; null when none was rehearsed. */
  weakness: number | null;
}

export interface Stats {
  weakest: WeakCard[];
  overview: Overview;
  forecast: ForecastDay[];
  history: HistoryDay[];
  byTag: GroupStats[];
  byCompany: GroupStats[];
}

/** The inputs of the weakness score, each from 0 (good) to 1 (bad). */
export interface WeaknessParts {
  retrievability: number;
  lapses: number;
  againHardShare: number;
  overtime: number;
}

/**
 * Weakness score, 0–100:
 * 100 × (0.40 × (1 − retrievability) + 0.20 × min(lapses, 5) / 5 + 0.25 × again/hard share + 0.15 × overtime).
 */
export function weaknessScore(parts: WeaknessParts): number {
  const w = WEAKNESS_WEIGHTS;
  const value =
    w.forgetting * (1 - clamp01(parts.retrievability)) +
    w.lapses * (Math.min(Math.max(parts.lapses, 0), LAPSE_CAP) / LAPSE_CAP) +
    w.againHard * clamp01(parts.againHardShare) +
    w.overtime * clamp01(parts.overtime);
  return round(100 * value, 1);
}

/** Overtime part: 0 when the answers fit the limit on average, 1 at twice the limit or more. */
export function overtimeOf(reviews: readonly Review[]): number {
  if (reviews.length === 0) return 0;
  return clamp01(mean(reviews.map(ratioOf)) - 1);
}

/** Whether `value` is a real calendar day written YYYY-MM-DD. */
export function isStudyDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const t = Date.parse(`${value}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === value;
}

interface CardFacts {
  card: Card;
  record: CardRecord | undefined;
  phase: FsrsPhase;
  scheduled: boolean;
  rehearsed: boolean;
  dueOffset: number | null;
  retrievability: number;
  counted: Review[];
  score: number | null;
  edited: boolean;
}

export function computeStats(allCards: readonly Card[], progress: ProgressData, options: StatsOptions): Stats {
  const { now, timeZone } = options;
  const since = options.since ?? null;
  const scheduler = new Scheduler(options.retention);
  const today = studyDay(now, timeZone);
  const filtered = (options.tags?.length ?? 0) > 0 || options.company !== undefined;
  const cards = filterCards(allCards, { tags: options.tags, company: options.company });
  const inScope = new Set(cards.map((c) => c.id));
  const deckIds = new Set(allCards.map((c) => c.id));

  // Every review with its study day; sorted by time (then seq) once.
  const all = [...progress.reviews].sort((a, b) => a.at.getTime() - b.at.getTime() || a.seq - b.seq);
  const dayOf = new Map<Review, string>();
  const ordinalOf = new Map<Review, number>();
  const dayOfTime = studyDayMemo(timeZone);
  for (const r of all) {
    const day = dayOfTime(r.at);
    dayOf.set(r, day);
    ordinalOf.set(r, dayOrdinal(day));
  }

  // Phase of the card just before each scheduled review, replayed through the scheduler:
  // only reviews of cards that had graduated count for true retention (as in Anki).
  const phaseBefore = replayPhases(all, scheduler);

  const byCard = new Map<string, Review[]>();
  for (const r of all) {
    let list = byCard.get(r.cardId);
    if (!list) byCard.set(r.cardId, (list = []));
    list.push(r);
  }

  const counts = (r: Review) => since === null || dayOf.get(r)! >= since;
  // Reviews of the cards in scope; reviews of cards no longer in the deck only without filters.
  const scoped = all.filter((r) => (inScope.has(r.cardId) || (!filtered && !deckIds.has(r.cardId))) && counts(r));

  const facts: CardFacts[] = cards.map((card) => {
    const record = progress.cards[card.id];
    const history = byCard.get(card.id) ?? [];
    const phase: FsrsPhase = record?.memory.phase ?? 'new';
    const scheduled = record !== undefined && phase !== 'new';
    const rehearsed = history.length > 0 || (record?.memory.lastReview ?? null) !== null;
    const counted = history.filter(counts);
    const last = history.at(-1);
    const edited = last !== undefined && last.contentHash !== card.contentHash;
    const dueOffset = scheduled ? Math.max(0, studyDaysBetween(now, record.memory.due, timeZone)) : null;
    const retrievability = record ? safeRetrievability(scheduler, record, now) : 0;
    let score: number | null = null;
    if (rehearsed) {
      const recent = counted.slice(-RECENT_REVIEWS);
      score = weaknessScore({
        retrievability,
        lapses: record?.memory.lapses ?? 0,
        againHardShare: share(recent, (r) => r.grade <= 2),
        overtime: overtimeOf(recent),
      });
    }
    return { card, record, phase, scheduled, rehearsed, dueOffset, retrievability, counted, score, edited };
  });

  const weakest = facts
    .filter((f) => f.rehearsed)
    .map((f) => {
      const recent = f.counted.slice(-RECENT_REVIEWS);
      const last = byCard.get(f.card.id)?.at(-1);
      const recorded = f.record?.memory.lastReview ?? null;
      const lastAt = recorded && (!last || recorded.getTime() >= last.at.getTime()) ? recorded : (last?.at ?? recorded);
      const entry: WeakCard = {
        rank: 0,
        id: f.card.id,
        question: f.card.question,
        file: f.card.file,
        line: f.card.line,
        tags: [...f.card.tags],
        company: f.card.company,
        score: f.score!,
        retrievability: round(f.retrievability, 3),
        lapses: f.record?.memory.lapses ?? 0,
        reviews: f.counted.length,
        againHardShare: round(share(recent, (r) => r.grade <= 2), 3),
        overtime: round(overtimeOf(recent), 3),
        averageSec: recent.length > 0 ? round(mean(recent.map((r) => r.elapsedMs / 1000)), 1) : null,
        limitSec: f.card.timeLimitSec,
        lastReview: lastAt ? lastAt.toISOString() : null,
        lastReviewDay: lastAt ? studyDay(lastAt, timeZone) : null,
        due: f.scheduled ? f.record!.memory.due.toISOString() : null,
        phase: f.phase,
        edited: f.edited,
      };
      return entry;
    })
    .sort((a, b) => b.score - a.score || a.retrievability - b.retrievability || b.lapses - a.lapses || a.question.localeCompare(b.question) || a.id.localeCompare(b.id))
    .slice(0, options.limit ?? DEFAULT_WEAKEST_LIMIT)
    .map((entry, i) => ({ ...entry, rank: i + 1 }));

  const todayOrdinal = dayOrdinal(today);
  const daysAgo = (r: Review) => todayOrdinal - ordinalOf.get(r)!;
  const retentionOver = (days: number): Rate => rate(scoped.filter((r) => daysAgo(r) >= 0 && daysAgo(r) < days), phaseBefore);
  const perDay = (days: number) => {
    // With --since inside the window, average over the days since then only.
    const windowDays = since === null ? days : Math.max(1, Math.min(days, dayOrdinal(today) - dayOrdinal(since) + 1));
    const n = scoped.filter((r) => daysAgo(r) >= 0 && daysAgo(r) < windowDays).length;
    return round(n / windowDays, 1);
  };

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
      toPrepare: facts.filter((f) => isToPrepare(f.card)).length,
      edited: facts.filter((f) => f.edited).length,
    },
    editedCards: facts.filter((f) => f.edited).map((f) => f.card.id),
    retention: { last7: retentionOver(7), last30: retentionOver(30) },
    reviewsPerDay: { last7: perDay(7), last30: perDay(30) },
    reviews: { total: scoped.length, scheduled: scoped.filter((r) => r.mode === 'scheduled').length, cram: scoped.filter((r) => r.mode === 'cram').length },
    answerTime:
      scoped.length === 0
        ? { averageSec: null, averageLimitSec: null, ratio: null, overLimitShare: null }
        : {
            averageSec: round(mean(scoped.map((r) => r.elapsedMs / 1000)), 1),
            averageLimitSec: round(mean(scoped.map((r) => r.timeLimitSec)), 1),
            ratio: round(mean(scoped.map(ratioOf)), 3),
            overLimitShare: round(share(scoped, (r) => r.elapsedMs > r.timeLimitSec * 1000), 3),
          },
  };

  const forecast: ForecastDay[] = [];
  for (let i = 0; i < FORECAST_DAYS; i++) forecast.push({ day: addDays(today, i), due: facts.filter((f) => f.dueOffset === i).length });

  const weeks = options.weeks ?? HISTORY_WEEKS;
  const firstDay = addDays(today, -(weekdayIndex(today) + 7 * (weeks - 1)));
  const history: HistoryDay[] = [];
  const historyIndex = new Map<string, HistoryDay>();
  for (let day = firstDay; day <= today; day = addDays(day, 1)) {
    const entry = { day, reviews: 0, again: 0, seconds: 0 };
    history.push(entry);
    historyIndex.set(day, entry);
  }
  for (const r of scoped) {
    const entry = historyIndex.get(dayOf.get(r)!);
    if (!entry) continue;
    entry.reviews += 1;
    if (r.grade === 1) entry.again += 1;
    entry.seconds += r.elapsedMs / 1000;
  }
  for (const entry of history) entry.seconds = Math.round(entry.seconds);

  const group = (keysOf: (card: Card) => Array<{ key: string; name: string } | null>): GroupStats[] => {
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
        const ids = new Set(g.facts.map((f) => f.card.id));
        const reviews = scoped.filter((r) => ids.has(r.cardId));
        const scores = g.facts.filter((f) => f.score !== null).map((f) => f.score!);
        return {
          name: g.name,
          cards: g.facts.length,
          new: g.facts.filter((f) => !f.scheduled).length,
          dueToday: g.facts.filter((f) => f.dueOffset === 0).length,
          reviews: reviews.length,
          retention: rate(reviews, phaseBefore).rate,
          weakness: scores.length > 0 ? round(mean(scores), 1) : null,
        };
      })
      .sort((a, b) => (b.weakness ?? -1) - (a.weakness ?? -1) || (a.name === null ? 1 : 0) - (b.name === null ? 1 : 0) || (a.name ?? '').localeCompare(b.name ?? ''));
  };
  const byTag = group((card) => card.tags.map((t) => ({ key: normalizeTag(t), name: t })));
  const byCompany = group((card) => (card.company ? [{ key: card.company.normalize('NFKC').toLowerCase().trim(), name: card.company }] : []));

  return { weakest, overview, forecast, history, byTag, byCompany };
}

/**
 * The phase each scheduled review found its card in, by replaying every card's scheduled reviews
 * in order. Phase changes depend only on the phase, the learning step and the grade, so each
 * distinct transition is asked of the real scheduler once (on a stand-in memory) and remembered:
 * replaying 100,000 reviews through FSRS itself would take seconds.
 */
function replayPhases(sorted: readonly Review[], scheduler: Scheduler): Map<Review, FsrsPhase> {
  const phases = new Map<Review, FsrsPhase>();
  const states = new Map<string, PhaseState>();
  const transitions = new Map<string, PhaseState | null>();
  const start: PhaseState = { phase: 'new', learningSteps: 0 };
  for (const r of sorted) {
    if (r.mode !== 'scheduled') continue;
    const state = states.get(r.cardId) ?? start;
    phases.set(r, state.phase);
    const key = `${state.phase}/${state.learningSteps}/${r.grade}`;
    let next = transitions.get(key);
    if (next === undefined) {
      next = transition(scheduler, state, r.grade);
      transitions.set(key, next);
    }
    // A transition the scheduler refused: start the card over rather than guess.
    states.set(r.cardId, next ?? start);
  }
  return phases;
}

interface PhaseState {
  phase: FsrsPhase;
  learningSteps: number;
}

const STAND_IN_TIME = Date.UTC(2000, 0, 3, 12);

function transition(scheduler: Scheduler, state: PhaseState, grade: Review['grade']): PhaseState | null {
  const before = new Date(STAND_IN_TIME);
  const memory =
    state.phase === 'new'
      ? scheduler.newMemory(before)
      : { phase: state.phase, due: before, stability: 2, difficulty: 5, reps: 2, lapses: 0, learningSteps: state.learningSteps, scheduledDays: 0, lastReview: before };
  try {
    const after = scheduler.grade(memory, grade, new Date(STAND_IN_TIME + 60_000));
    return { phase: after.phase, learningSteps: after.learningSteps };
  } catch {
    return null;
  }
}

/** Recall probability now, 0–1; 0 if the scheduler cannot tell (a memory it refuses). */
function safeRetrievability(scheduler: Scheduler, record: CardRecord, now: Date): number {
  try {
    return clamp01(scheduler.retrievability(record.memory, now));
  } catch {
    return 0;
  }
}

function rate(reviews: readonly Review[], phaseBefore: ReadonlyMap<Review, FsrsPhase>): Rate {
  const counted = reviews.filter((r) => r.mode === 'scheduled' && phaseBefore.get(r) === 'review');
  const passed = counted.filter((r) => r.grade >= 2).length;
  return { passed, reviews: counted.length, rate: counted.length > 0 ? round(passed / counted.length, 3) : null };
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

const ratioOf = (r: Review) => r.elapsedMs / 1000 / Math.max(1, r.timeLimitSec);
const clamp01 = (x: number) => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);
const mean = (xs: readonly number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
const share = <T>(xs: readonly T[], test: (x: T) => boolean) => (xs.length === 0 ? 0 : xs.filter(test).length / xs.length);
const round = (x: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};
