/**
 * Study days, as Anki counts them: a day runs from 4 a.m. to 4 a.m. local time, so a session
 * past midnight still counts for the evening it started in. Pure: the time zone is an argument.
 */

export const DAY_ROLLOVER_HOUR = 4;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string | undefined): Intl.DateTimeFormat {
  const key = timeZone ?? '';
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' });
    formatters.set(key, f);
  }
  return f;
}

/** The study day `at` belongs to, as YYYY-MM-DD, in `timeZone` (default: the machine's). */
export function studyDay(at: Date, timeZone?: string): string {
  if (timeZone === undefined && !Number.isNaN(at.getTime())) {
    // The machine's own zone: Date's local fields are the same wall-clock time, without the ~30 ms
    // Intl.DateTimeFormat costs on first use (drill start-up).
    const day = `${String(at.getFullYear()).padStart(4, '0')}-${String(at.getMonth() + 1).padStart(2, '0')}-${String(at.getDate()).padStart(2, '0')}`;
    return at.getHours() < DAY_ROLLOVER_HOUR ? addDays(day, -1) : day;
  }
  // Local wall-clock time, then back one calendar day before 4 a.m. (shifting the instant by
  // 4 hours instead would be an hour off on daylight-saving days).
  const parts = formatterFor(timeZone).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  const day = `${get('year')}-${get('month')}-${get('day')}`;
  return Number(get('hour')) < DAY_ROLLOVER_HOUR ? addDays(day, -1) : day;
}

/** Whole study days from `from` to `to` (negative when `to` is earlier). */
export function studyDaysBetween(from: Date, to: Date, timeZone?: string): number {
  const a = Date.parse(`${studyDay(from, timeZone)}T00:00:00Z`);
  const b = Date.parse(`${studyDay(to, timeZone)}T00:00:00Z`);
  return Math.round((b - a) / 86_400_000);
}

/** Adds `days` to a YYYY-MM-DD day. */
export function addDays(day: string, days: number): string {
  const t = Date.parse(`${day}T00:00:00Z`) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/**
 * The moments new study days begin (4 a.m. local time, in the machine's zone) after `fromMs`, in
 * order, up to the first one after `untilMs`. The study days from `fromMs` to a time t up to
 * `untilMs` are the number of these at or before t: a comparison or two per card where asking the
 * calendar of each time would cost a date computation (stats, 10,000 due dates).
 */
export function rolloversBetween(fromMs: number, untilMs: number): number[] {
  const from = new Date(fromMs);
  const out: number[] = [];
  for (let k = 0; out.length === 0 || out[out.length - 1]! <= untilMs; k++) {
    // The Date constructor resolves a day's 4 a.m. through daylight-saving changes (and past a gap, to its end).
    const t = new Date(from.getFullYear(), from.getMonth(), from.getDate() + k, DAY_ROLLOVER_HOUR).getTime();
    if (!Number.isFinite(t)) break;
    if (t > fromMs) out.push(t);
  }
  return out;
}
