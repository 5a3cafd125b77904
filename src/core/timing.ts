/**
 * A grade suggested by the time taken, against the card's limit. Only a suggestion: the user
 * decides. Within the limit → Good; over it → at most Hard; twice the limit or more → Again,
 * since in an interview an answer that long has lost the listener. Pure.
 */
import type { Grade } from './progress-model.js';

export const WAY_OVER_FACTOR = 2;

export function suggestFromTime(elapsedMs: number, limitSec: number): Grade {
  const limitMs = limitSec * 1000;
  if (elapsedMs <= limitMs) return 3;
  if (elapsedMs >= limitMs * WAY_OVER_FACTOR) return 1;
  return 2;
}

/** Milliseconds over the limit (0 when within it). */
export function overtimeMs(elapsedMs: number, limitSec: number): number {
  return Math.max(0, elapsedMs - limitSec * 1000);
}

/** The stricter of several suggestions (undefined ones are ignored); Good when there is none. */
export function combineSuggestions(...grades: Array<Grade | undefined>): Grade {
  const given = grades.filter((g): g is Grade => g !== undefined);
  return given.length === 0 ? 3 : (Math.min(...given) as Grade);
}
