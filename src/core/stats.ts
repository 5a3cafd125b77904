/**
 * `prep stats` as data: which answers are weak, what is due, what was done. Pure: the cards,
 * the progress data, the clock and the time zone are arguments. The result is plain JSON data
 * (strings, numbers, booleans, null) because `prep stats --json` prints it as it is; its shape
 * is documented in README ("prep stats --json") and must stay stable.
 */
import type { Card, CardSummary } from './card.js';
import { isToPrepare } from './card.js';
import { filterCards } from './deck.js';
import type { CardRecord, FsrsPhase, Grade, ProgressData, Review } from './progress-model.js';
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
export function overtimeOf(reviews: readonly Pick<Review, 'elapsedMs' | 'timeLimitSec'>[]): number {
  if (reviews.length === 0) return 0;
  return clamp01(mean(reviews.map(ratioOf)) - 1);
}

/** Whether `value` is a real calendar day written YYYY-MM-DD. */
export function isStudyDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const t = Date.parse(`${value}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === value;
}

/** A card as stats needs it: a full Card, or its summary (what `prep list --json` prints). */
export type StatsCard = Card | CardSummary;

const toPrepare = (card: StatsCard) => ('status' in card ? card.status === 'to-prepare' : isToPrepare(card));

interface CardFacts {
  card: StatsCard;
  record: Pick<CardRecord, 'memory'> | undefined;
  phase: FsrsPhase;
  scheduled: boolean;
  rehearsed: boolean;
  dueOffset: number | null;
  retrievability: number;
  digest: CardDigest | undefined;
  score: number | null;
  edited: boolean;
}

/** One rehearsal, as the weakness score sees it. */
export interface RecentReview {
  grade: Grade;
  elapsedMs: number;
  timeLimitSec: number;
}

/** A card's history, folded (see `digestProgress`). */
export interface CardDigest {
  /** Reviews of the card, all of them. */
  reviews: number;
  /** Reviews counted (on or after --since). */
  counted: number;
  /** The last review (by time, then seq): its time, seq and the answer hash it rehearsed. */
  lastAt: number;
  lastSeq: number;
  lastHash: string;
  /** The last RECENT_REVIEWS counted reviews, oldest first. */
  recent: RecentReview[];
  /** Counted scheduled reviews that found the card in the review phase, and those that passed. */
  eligible: number;
  passed: number;
  /** Phase and learning step after the card's last scheduled review (replayed; see replayPhases). */
  phase: FsrsPhase;
  steps: number;
}

/** Reviews of one study day that count. */
export interface DayDigest {
  reviews: number;
  again: number;
  /** Sum of answer times, seconds, added in time order. */
  seconds: number;
  eligible: number;
  passed: number;
}

/**
 * The history folded into what stats shows, independent of the deck and the clock: per card,
 * per study day, and running totals (added in time order, so every figure is exactly what a walk
 * over the sorted reviews gives). `prep stats` keeps the digest of the whole history in
 * .prep/cache (src/store/stats-cache.ts) and extends it with new reviews as they come.
 */
export interface ProgressDigest {
  timeZone: string | undefined;
  since: string | null;
  /** Card records (only their memory state matters here) by card id. */
  records: Record<string, Pick<CardRecord, 'memory'>>;
  cards: Map<string, CardDigest>;
  days: Map<string, DayDigest>;
  totals: { reviews: number; scheduled: number; cram: number; seconds: number; limitSec: number; ratio: number; over: number };
  /** Every review in the history (whatever --since). */
  allReviews: number;
  /** The latest review folded in (time, seq): a later one can be added without starting over. */
  lastAt: number;
  lastSeq: number;
}

export interface DigestOptions {
  timeZone?: string;
  since?: string | null;
  /** Which cards' reviews count in the totals and days (default: all). */
  inScope?: (cardId: string) => boolean;
  retention?: number;
}

/** Folds the history (see ProgressDigest). */
export function digestProgress(progress: ProgressData, options: DigestOptions = {}): ProgressDigest {
  const digest = emptyDigest(progress.cards, options.timeZone, options.since ?? null);
  digest.allReviews = progress.reviews.length;
  const all = [...progress.reviews].sort((a, b) => a.at.getTime() - b.at.getTime() || a.seq - b.seq);
  const folder = reviewFolder(digest, options);
  for (const r of all) folder(r, true);
  return digest;
}

export function emptyDigest(records: Record<string, Pick<CardRecord, 'memory'>>, timeZone: string | undefined, since: string | null): ProgressDigest {
  return {
    timeZone,
    since,
    records,
    cards: new Map(),
    days: new Map(),
    totals: { reviews: 0, scheduled: 0, cram: 0, seconds: 0, limitSec: 0, ratio: 0, over: 0 },
    allReviews: 0,
    lastAt: -Infinity,
    lastSeq: 0,
  };
}

/**
 * Adds reviews to a digest, one at a time, in order of (time, seq). Returns false (adding nothing)
 * for a review that is not after the latest one already folded in: the caller must start over.
 * `allReviews` and `records` are the caller's.
 */
export function reviewFolder(digest: ProgressDigest, options: Omit<DigestOptions, 'timeZone' | 'since'> = {}): (r: Review, sorted?: boolean) => boolean {
  const scheduler = new Scheduler(options.retention);
  const transitions = new Map<string, PhaseState | null>();
  const dayOfTime = studyDayMemo(digest.timeZone);
  const since = digest.since;
  const inScope = options.inScope ?? (() => true);
  return (r, sorted = false) => {
    const at = r.at.getTime();
    if (!sorted && (at < digest.lastAt || (at === digest.lastAt && r.seq <= digest.lastSeq))) return false;
    digest.lastAt = at;
    digest.lastSeq = r.seq;
    const day = dayOfTime(r.at);
    const counts = since === null || day >= since;
    let card = digest.cards.get(r.cardId);
    if (!card) digest.cards.set(r.cardId, (card = { reviews: 0, counted: 0, lastAt: at, lastSeq: r.seq, lastHash: r.contentHash, recent: [], eligible: 0, passed: 0, phase: 'new', steps: 0 }));
    card.reviews++;
    card.lastAt = at;
    card.lastSeq = r.seq;
    card.lastHash = r.contentHash;
    // Phase of the card just before a scheduled review: only reviews of graduated cards count for true retention (as in Anki).
    let eligible = false;
    if (r.mode === 'scheduled') {
      eligible = card.phase === 'review';
      const key = `${card.phase}/${card.steps}/${r.grade}`;
      let next = transitions.get(key);
      if (next === undefined) transitions.set(key, (next = transition(scheduler, { phase: card.phase, learningSteps: card.steps }, r.grade)));
      // A transition the scheduler refused: start the card over rather than guess.
      card.phase = next?.phase ?? 'new';
      card.steps = next?.learningSteps ?? 0;
    }
    if (!counts) return true;
    card.counted++;
    card.recent.push({ grade: r.grade, elapsedMs: r.elapsedMs, timeLimitSec: r.timeLimitSec });
    if (card.recent.length > RECENT_REVIEWS) card.recent.shift();
    if (eligible) {
      card.eligible++;
      if (r.grade >= 2) card.passed++;
    }
    if (!inScope(r.cardId)) return true;
    const t = digest.totals;
    t.reviews++;
    if (r.mode === 'scheduled') t.scheduled++;
    else t.cram++;
    t.seconds += r.elapsedMs / 1000;
    t.limitSec += r.timeLimitSec;
    t.ratio += ratioOf(r);
    if (r.elapsedMs > r.timeLimitSec * 1000) t.over++;
    let d = digest.days.get(day);
    if (!d) digest.days.set(day, (d = { reviews: 0, again: 0, seconds: 0, eligible: 0, passed: 0 }));
    d.reviews++;
    if (r.grade === 1) d.again++;
    d.seconds += r.elapsedMs / 1000;
    if (eligible) {
      d.eligible++;
      if (r.grade >= 2) d.passed++;
    }
    return true;
  };
}

export function computeStats(allCards: readonly StatsCard[], progress: ProgressData, options: StatsOptions): Stats {
  return statsFromDigest(allCards, digestFor(allCards, progress, options), options);
}

/**
 * The digest `statsFromDigest` needs for these options. Without --tag/--company every review counts
 * (cards that left the deck included); with them, only reviews of the cards they select.
 */
export function digestFor(allCards: readonly StatsCard[], progress: ProgressData, options: Omit<StatsOptions, 'now'>): ProgressDigest {
  const filtered = (options.tags?.length ?? 0) > 0 || options.company !== undefined;
  const inScope = filtered ? new Set(filterCards(allCards, { tags: options.tags, company: options.company }).map((c) => c.id)) : undefined;
  return digestProgress(progress, { timeZone: options.timeZone, since: options.since ?? null, retention: options.retention, inScope: inScope ? (id) => inScope.has(id) : undefined });
}

/** Stats from a digest made with the same time zone, --since and scope as `options`. */
export function statsFromDigest(allCards: readonly StatsCard[], digest: ProgressDigest, options: StatsOptions): Stats {
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
    const retrievability = record ? safeRetrievability(scheduler, record, now) : 0;
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
    .map((f) => ({ f, score: f.score!, retrievability: round(f.retrievability, 3), lapses: f.record?.memory.lapses ?? 0 }))
    .sort((a, b) => b.score - a.score || a.retrievability - b.retrievability || b.lapses - a.lapses || collator.compare(a.f.card.question, b.f.card.question) || collator.compare(a.f.card.id, b.f.card.id))
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

/*
 * Phases are replayed card by card in reviewFolder: phase changes depend only on the phase, the
 * learning step and the grade, so each distinct transition is asked of the real scheduler once (on
 * a stand-in memory) and remembered: replaying 100,000 reviews through FSRS itself would take seconds.
 */
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

/** String.prototype.localeCompare's own order, with the collator made once. */
const collator = new Intl.Collator();
const ratioOf = (r: Pick<Review, 'elapsedMs' | 'timeLimitSec'>) => r.elapsedMs / 1000 / Math.max(1, r.timeLimitSec);
const clamp01 = (x: number) => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);
const mean = (xs: readonly number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
const share = <T>(xs: readonly T[], test: (x: T) => boolean) => (xs.length === 0 ? 0 : xs.filter(test).length / xs.length);
const round = (x: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};
