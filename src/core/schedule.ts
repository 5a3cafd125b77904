/**
 * FSRS scheduling through ts-fsrs (FSRS-6 default parameters). The only module that imports
 * ts-fsrs: everything else sees prep's MemoryState, converted here at the boundary.
 */
import { computeDecayFactor, createEmptyCard, fsrs, generatorParameters, State, type Card as FsrsCard, type FSRS, type Grade as FsrsGrade } from 'ts-fsrs';
import { UsageError } from './errors.js';
import type { FsrsPhase, Grade, MemoryState } from './progress-model.js';
import { studyDay } from './study-day.js';

export const DEFAULT_RETENTION = 0.9;

const PHASE_TO_STATE: Record<FsrsPhase, State> = { new: State.New, learning: State.Learning, review: State.Review, relearning: State.Relearning };
const STATE_TO_PHASE: Record<State, FsrsPhase> = { [State.New]: 'new', [State.Learning]: 'learning', [State.Review]: 'review', [State.Relearning]: 'relearning' };

/** The FSRS weights prep schedules with (ts-fsrs's defaults; retention does not change them). w[20] is the forgetting curve's decay. */
const WEIGHTS = generatorParameters().w;
const DAY_MS = 86_400_000;

/** The curve's decay and factor for prep's weights, as ts-fsrs derives them (an object and three Math calls per call of its forgetting_curve). */
const CURVE = computeDecayFactor(WEIGHTS);

/**
 * Probability of recalling a card `elapsedDays` after its last review, given its stability in days,
 * for callers that need thousands of them (stats, pick): ts-fsrs's forgetting_curve with prep's
 * weights, its decay factor derived once (the tests hold it to ts-fsrs's own, value for value).
 */
export function recallProbability(elapsedDays: number, stability: number): number {
  return Math.round(Math.pow(1 + (CURVE.factor * elapsedDays) / stability, CURVE.decay) * 1e8) / 1e8;
}

/**
 * How ts-fsrs's get_retrievability feeds the curve: whole days since the last review (none when that
 * is in the future) and the stability to 8 places. Apart, so stats can round each stability once.
 */
export const curveDays = (lastReviewMs: number, nowMs: number) => Math.max(Math.floor((nowMs - lastReviewMs) / DAY_MS), 0);
export const curveStability = (stability: number) => +stability.toFixed(8);

export function parseRetention(value: string | number | undefined): number {
  if (value === undefined) return DEFAULT_RETENTION;
  const r = Number(value);
  if (!Number.isFinite(r) || r < 0.7 || r > 0.99) throw new UsageError(`--retention takes a number from 0.7 to 0.99, not "${value}"; 0.9 is a good start`);
  return r;
}

export class Scheduler {
  private readonly engine: FSRS;

  constructor(readonly retention: number = DEFAULT_RETENTION) {
    this.engine = fsrs(generatorParameters({ request_retention: retention, enable_fuzz: true, enable_short_term: true }));
  }

  newMemory(now: Date): MemoryState {
    return fromFsrs(createEmptyCard(now));
  }

  /** The memory state each grade would lead to: what drill shows under the grade keys. */
  preview(memory: MemoryState, now: Date): Record<Grade, MemoryState> {
    const log = this.engine.repeat(toFsrs(memory, now), now);
    return {
      1: fromFsrs(log[1 as FsrsGrade].card),
      2: fromFsrs(log[2 as FsrsGrade].card),
      3: fromFsrs(log[3 as FsrsGrade].card),
      4: fromFsrs(log[4 as FsrsGrade].card),
    };
  }

  grade(memory: MemoryState, grade: Grade, now: Date): MemoryState {
    return fromFsrs(this.engine.next(toFsrs(memory, now), now, grade as FsrsGrade).card);
  }

  /** Probability of recalling the card now (0–1); 0 for a card never reviewed. */
  retrievability(memory: MemoryState, now: Date): number {
    if (memory.phase === 'new' || memory.lastReview === null) return 0;
    // What ts-fsrs's get_retrievability computes (whole days since the last review, none when that is
    // in the future; stability to 8 places), without its card copy and parameter proxy: pick asks
    // this of every due card before the first question.
    return recallProbability(curveDays(memory.lastReview.getTime(), now.getTime()), curveStability(memory.stability));
  }
}

/** A last review later than `now` (the clock was set back) counts as just now: ts-fsrs throws on negative elapsed time. */
function toFsrs(memory: MemoryState, now: Date): FsrsCard {
  const lastReview = memory.lastReview && memory.lastReview.getTime() > now.getTime() ? now : memory.lastReview;
  return {
    due: memory.due,
    stability: memory.stability,
    difficulty: memory.difficulty,
    elapsed_days: 0, // deprecated in ts-fsrs 5; it derives elapsed time from last_review
    scheduled_days: memory.scheduledDays,
    learning_steps: memory.learningSteps,
    reps: memory.reps,
    lapses: memory.lapses,
    state: PHASE_TO_STATE[memory.phase],
    ...(lastReview ? { last_review: lastReview } : {}),
  };
}

function fromFsrs(card: FsrsCard): MemoryState {
  return {
    phase: STATE_TO_PHASE[card.state],
    due: new Date(card.due),
    stability: card.stability,
    difficulty: card.difficulty,
    reps: card.reps,
    lapses: card.lapses,
    learningSteps: card.learning_steps,
    scheduledDays: card.scheduled_days,
    lastReview: card.last_review ? new Date(card.last_review) : null,
  };
}

/** How far away `due` is, as Anki labels its grade buttons: "1m", "10m", "3h", "4d", "2mo", "1.3y". */
export function formatInterval(now: Date, due: Date): string {
  const minutes = Math.max(0, (due.getTime() - now.getTime()) / 60_000);
  if (minutes < 1) return '<1m';
  if (minutes < 60) return `${Math.round(minutes)}m`;
  const hours = minutes / 60;
  if (hours < 24) return `${Math.round(hours)}h`;
  const days = hours / 24;
  if (days < 30) return `${Math.round(days)}d`;
  if (days < 365) return `${Math.round(days / 30)}mo`;
  return `${(days / 365).toFixed(1).replace(/\.0$/, '')}y`;
}

/**
 * Learning cards (graded Again or Hard while new or after a lapse) come back within minutes.
 * Like Anki, drill shows them again in the same session when they fall due within this window.
 */
export const LEARN_AHEAD_MS = 20 * 60_000;

/**
 * Is the card due at `now`? As Anki counts it: a card in the review phase is due on its study
 * day (from 4 a.m.), whatever the hour; a learning card is due at its exact time. Never-seen
 * cards (phase new) are not "due": they are new cards, under the daily new-card limit.
 */
export function isDue(memory: MemoryState, now: Date, timeZone?: string): boolean {
  if (memory.phase === 'new') return false;
  if (memory.due.getTime() <= now.getTime()) return true;
  // A study day lasts at most 25 hours: due two days from now is never today (and this spares the
  // slow time-zone formatting for almost every card of a big deck).
  if (memory.due.getTime() - now.getTime() >= 2 * 86_400_000) return false;
  if (memory.phase === 'review') return studyDay(memory.due, timeZone) <= studyDay(now, timeZone);
  return false;
}
