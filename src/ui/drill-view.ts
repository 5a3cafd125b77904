/**
 * `prep drill` screens as lines of text. Pure: the session state and the terminal's size and
 * colours come in, strings go out. Card text is neutralised (sanitize.ts) before any colour is added.
 */
import type { ChalkInstance } from 'chalk';
import { versionForLimit, type Card, type SpokenVersion } from '../core/card.js';
import type { Coverage } from '../core/keypoints.js';
import { GRADE_NAMES, recordOf, type Grade } from '../core/progress-model.js';
import { formatInterval } from '../core/schedule.js';
import { currentItem, gradeCounts, limitFor, timerMs, type SessionConfig, type SessionState } from '../core/session.js';
import { formatDuration } from '../core/text.js';
import { safeLine, safeText } from './sanitize.js';
import { displayWidth, truncate, wrap } from './width.js';

export interface Screen {
  columns: number;
  rows: number;
  c: ChalkInstance;
}

export interface Frame {
  lines: string[];
  /** Index in `lines` of the live timer line (question screen only), to update it in place. */
  timerRow: number | null;
}

const GRADES: Grade[] = [1, 2, 3, 4];
const VERSION_TITLE: Record<SpokenVersion, string> = { short: 'Short version', answer: 'Answer', full: 'Full version' };

/** 75_000 → "1:15"; clock style for the timer. */
export function clock(ms: number): string {
  const total = Math.floor(Math.max(0, ms) / 1000);
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

/** The live timer: elapsed, a bar filling up to the limit, time left; past the limit, overtime in red. */
export function timerLine(elapsedMs: number, limitSec: number, columns: number, c: ChalkInstance): string {
  const limitMs = limitSec * 1000;
  const head = `${clock(elapsedMs)} / ${clock(limitMs)}`;
  if (elapsedMs > limitMs) {
    return c.red.bold(`  ${head}  +${clock(elapsedMs - limitMs)} over time`);
  }
  const left = `${clock(Math.ceil((limitMs - elapsedMs) / 1000) * 1000)} left`;
  const barWidth = Math.max(0, Math.min(30, columns - displayWidth(head) - displayWidth(left) - 8));
  const filled = Math.min(barWidth, Math.floor((elapsedMs / limitMs) * barWidth));
  const bar = barWidth > 0 ? ` ${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)} ` : '  ';
  const late = elapsedMs >= limitMs * 0.8;
  const colour = late ? c.yellow : c.green;
  return `  ${c.bold(head)}${colour(bar)}${late ? c.yellow(left) : c.dim(left)}`;
}

function header(state: SessionState, screen: Screen): string {
  const { c } = screen;
  const item = currentItem(state);
  const total = state.queue.length;
  const parts = [`prep drill`, `${Math.min(state.position + 1, total)}/${total}`];
  if (item?.mode === 'cram') parts.push('cram');
  // Not "again": that is a grade, and a card graded Good can come back (its learning steps).
  if (item?.again) parts.push(item.mode === 'cram' ? 'once more' : 'learning step');
  else if (item && recordOf(state.records, item.card.id) === undefined) parts.push('new');
  return c.dim(truncate(parts.join(' · '), screen.columns));
}

function cardMeta(card: Card, limitSec: number, c: ChalkInstance, columns: number): string {
  const parts = [...card.tags.map((t) => `#${t}`)];
  if (card.company) parts.push(`@ ${card.company}`);
  parts.push(`limit ${formatDuration(limitSec)}`);
  return c.dim(truncate(safeLine(`  ${parts.join('  ')}`), columns));
}

function questionLines(card: Card, columns: number, c: ChalkInstance): string[] {
  return wrap(safeLine(card.question), Math.max(10, columns - 2)).map((l) => c.bold(`  ${l}`));
}

const KEYS_HINT = 's skip · u undo · e edit · q quit';
const REVEAL_HINT = '1-4 grade · s skip · u undo · e edit · q quit';

export function renderQuestion(state: SessionState, config: Pick<SessionConfig, 'timeLimitSec' | 'typing'>, screen: Screen): Frame {
  const { c, columns } = screen;
  const item = currentItem(state);
  if (!item) return { lines: [], timerRow: null };
  const limit = limitFor(item, config);
  const lines = [header(state, screen), '', ...questionLines(item.card, columns, c), cardMeta(item.card, limit, c, columns), ''];
  const timerRow = lines.length;
  lines.push(timerLine(timerMs(state), limit, columns, c), '');
  if (config.typing) {
    lines.push(...hint('Type your answer; Enter checks it against the key points, Tab skips, Ctrl-C quits.', columns, c));
    // Only the end of a long answer fits under the timer; the timer row must stay on screen.
    const room = Math.max(1, screen.rows - lines.length - 4);
    const typed = wrap(`${safeText(state.typed)}▌`, Math.max(10, columns - 4)).slice(-room);
    lines.push(...typed.map((l, i) => `${i === 0 ? c.cyan('> ') : '  '}${l}`));
  } else {
    lines.push(...hint('Say your answer out loud, then press Enter or Space to reveal.', columns, c), ...hint(KEYS_HINT, columns, c));
  }
  if (state.notice) lines.push('', c.yellow(truncate(`  ${state.notice}`, columns)));
  return { lines, timerRow };
}

/** How long the answer took against the limit, after the reveal. */
function timeVerdict(elapsedMs: number, limitSec: number, c: ChalkInstance): string {
  const over = elapsedMs - limitSec * 1000;
  const took = `Took ${clock(elapsedMs)} of ${clock(limitSec * 1000)}`;
  return over > 0 ? c.red(`  ${took}: ${formatDuration(Math.ceil(over / 1000))} over time`) : c.green(`  ${took}: within time`);
}

/** Markdown for reading on a terminal: comments dropped, headings and **bold** in bold, bullets as •. */
export function markdownLines(markdown: string, width: number, c: ChalkInstance, indent = '  '): string[] {
  const text = safeText(markdown.replace(/<!--[\s\S]*?-->/g, '')).replace(/\n{3,}/g, '\n\n').trim();
  if (text === '') return [];
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const heading = /^#{1,6}\s+(.*)$/.exec(raw);
    if (heading) {
      out.push(...wrap(heading[1]!, width - indent.length).map((l) => c.bold(indent + l)));
      continue;
    }
    if (/^\s*(?:\*\*\*+|---+|___+)\s*$/.test(raw)) continue;
    const bullet = raw.replace(/^(\s*)[*+-](\s+)/, '$1•$2');
    out.push(...emphasized(wrap(markEmphasis(bullet), width - indent.length), c).map((l) => indent + l));
  }
  return out;
}

// Bold spans are marked before wrapping, so their ** do not count towards the width and a span
// broken across lines stays bold on both. safeText has already made any control character in the
// card visible, so these two cannot come from the text.
const BOLD_ON = '\u0001';
const BOLD_OFF = '\u0002';

function markEmphasis(text: string): string {
  return text.replace(/\*\*([^*]+)\*\*|__([^_]+)__/g, (_m, a: string | undefined, b: string | undefined) => `${BOLD_ON}${a ?? b ?? ''}${BOLD_OFF}`);
}

/** Wrapped lines of markEmphasis'd text, with the marks turned into bold. */
function emphasized(lines: readonly string[], c: ChalkInstance): string[] {
  let bold = false;
  return lines.map((line) => {
    let out = '';
    for (const part of line.split(/([\u0001\u0002])/u)) {
      if (part === BOLD_ON) bold = true;
      else if (part === BOLD_OFF) bold = false;
      else if (part !== '') out += bold ? c.bold(part) : part;
    }
    return out;
  });
}

function keyPointLines(card: Card, coverage: Coverage | null, width: number, c: ChalkInstance): string[] {
  if (card.keyPoints.length === 0) return [];
  const title = coverage && coverage.total > 0 ? `KEY POINTS · ${coverage.covered} of ${coverage.total} covered` : 'KEY POINTS';
  const out = [c.cyan.bold(`  ${title}`)];
  card.keyPoints.forEach((point, i) => {
    const check = coverage?.points[i];
    const mark = !check || check.total === 0 ? c.dim('•') : check.covered ? c.green('✓') : c.red('✗');
    const wrapped = emphasized(wrap(markEmphasis(safeLine(point)), width - 6), c);
    wrapped.forEach((l, j) => out.push(`  ${j === 0 ? mark : ' '} ${check && !check.covered && check.total > 0 ? c.red(l) : l}`));
  });
  return out;
}

function versionTitle(card: Card, version: SpokenVersion, limitSec: number): string {
  const spoken = card.sections[version]!.spokenSec;
  const base = `${VERSION_TITLE[version].toUpperCase()} · ~${formatDuration(spoken)} to say`;
  if (spoken > limitSec) return `${base}, over the ${formatDuration(limitSec)} limit`;
  const full = card.sections.full;
  if (version !== 'full' && full && full.spokenSec > limitSec) return `${base} (the full version, ~${formatDuration(full.spokenSec)}, would overrun)`;
  return base;
}

/**
 * The answer screen: key points first, then the version that fits the limit, then notes; grade bar
 * at the bottom. When the answer is taller than the terminal it scrolls (state.scroll); `maxScroll`
 * says how far it can go.
 */
export function renderReveal(state: SessionState, config: Pick<SessionConfig, 'timeLimitSec' | 'typing'>, screen: Screen): { lines: string[]; maxScroll: number } {
  const { c, columns, rows } = screen;
  const item = currentItem(state);
  if (!item) return { lines: [], maxScroll: 0 };
  const card = item.card;
  const limit = limitFor(item, config);
  const top = [header(state, screen), '', ...questionLines(card, columns, c), timeVerdict(state.elapsedMs, limit, c), ''];

  const body: string[] = [];
  body.push(...keyPointLines(card, state.coverage, columns, c));
  if (config.typing) {
    if (body.length > 0) body.push('');
    body.push(c.cyan.bold('  YOU TYPED'));
    body.push(...(state.typed.trim() === '' ? [c.dim('  (nothing)')] : wrap(safeText(state.typed.trim()), columns - 4).map((l) => c.dim(`  ${l}`))));
  }
  const version = versionForLimit(card, limit);
  if (version) {
    if (body.length > 0) body.push('');
    body.push(c.cyan.bold(`  ${versionTitle(card, version, limit)}`));
    body.push(...markdownLines(card.sections[version]!.markdown, columns, c, '  '));
  }
  const notes = card.sections.notes;
  if (notes && notes.markdown.trim() !== '') {
    body.push('', c.cyan.bold('  NOTES'), ...markdownLines(notes.markdown, columns, c, '  ').map((l) => c.dim(l)));
  }
  if (card.followUps.length > 0) {
    body.push('', c.cyan.bold('  LIKELY FOLLOW-UPS'), ...card.followUps.flatMap((f) => wrap(`• ${safeLine(f)}`, columns - 4).map((l) => `  ${l}`)));
  }
  if (body.length === 0) body.push(c.dim('  (this card has no answer text)'));

  const bottom = ['', ...gradeBar(state.intervals, state.suggested, reason(state, limit), columns, c), ...hint(REVEAL_HINT, columns, c)];
  if (state.notice) bottom.push(c.yellow(truncate(`  ${state.notice}`, columns)));
  const room = rows - top.length - bottom.length;
  if (!Number.isFinite(room) || body.length <= room) return { lines: [...top, ...body, ...bottom], maxScroll: 0 };
  // Scrolling window: one line each for "above" and "below" markers.
  const visible = Math.max(1, room - 2);
  const maxScroll = Math.max(0, body.length - visible);
  const from = Math.min(Math.max(0, state.scroll), maxScroll);
  const below = body.length - from - visible;
  const window = [
    c.dim(from > 0 ? `  ↑ ${from} more ${from === 1 ? 'line' : 'lines'} above (↑/k)` : ''),
    ...body.slice(from, from + visible),
    c.dim(below > 0 ? `  ↓ ${below} more ${below === 1 ? 'line' : 'lines'} (↓/j, Space for a page)` : ''),
  ];
  return { lines: [...top, ...window, ...bottom], maxScroll };
}

function reason(state: SessionState, limitSec: number): string {
  const parts: string[] = [];
  if (state.coverage && state.coverage.total > 0) parts.push(`${state.coverage.covered}/${state.coverage.total} key points`);
  parts.push(state.elapsedMs > limitSec * 1000 ? 'over time' : 'within time');
  return parts.join(', ');
}

function gradeColours(c: ChalkInstance): Record<Grade, ChalkInstance> {
  return { 1: c.red, 2: c.yellow, 3: c.green, 4: c.blue };
}

/** "1 Again <1m  2 Hard 6m  3 Good 1d  4 Easy 4d", the suggested grade highlighted. */
export function gradeBar(intervals: Record<Grade, string> | null, suggested: Grade | null, why: string, columns: number, c: ChalkInstance): string[] {
  const colours = gradeColours(c);
  // Each cell is its text and two columns (spaces, or brackets without colour); as many per row as fit.
  const lines: string[] = [];
  let row: string[] = [];
  let rowWidth = 1;
  for (const g of GRADES) {
    const text = `${g} ${GRADE_NAMES[g]}${intervals ? ` ${intervals[g]}` : ''}`;
    const cell = g !== suggested ? ` ${colours[g](text)} ` : c.level > 0 ? colours[g].inverse.bold(` ${text} `) : `[${text}]`; // without colour, brackets mark it
    const width = displayWidth(text) + 2;
    if (row.length > 0 && rowWidth + 1 + width > columns) {
      lines.push(` ${row.join(' ')}`);
      row = [];
      rowWidth = 1;
    }
    rowWidth += (row.length > 0 ? 1 : 0) + width;
    row.push(cell);
  }
  lines.push(` ${row.join(' ')}`);
  if (suggested !== null) lines.push(...hint(`Enter = ${GRADE_NAMES[suggested]} (suggested: ${why || 'no hints'}); you decide`, columns, c));
  if (!intervals) lines.push(...hint('cram: this review is recorded, the schedule is kept', columns, c));
  return lines;
}

/** A dimmed instruction, indented and wrapped to the terminal (a narrow one must not cut off what to press). */
function hint(text: string, columns: number, c: ChalkInstance): string[] {
  return wrap(text, Math.max(10, columns - 2)).map((line) => c.dim(`  ${line}`));
}

export interface Summary {
  /** Grades given (a card back for a learning step is graded again). */
  graded: number;
  /** Distinct cards graded. */
  cards: number;
  skipped: number;
  spentMs: number;
  grades: Record<Grade, number>;
  /** When the next card in this deck selection falls due; null when none is scheduled. */
  nextDue: Date | null;
  /** The selection is narrowed by --tag or --company: "next card" means the next matching one. */
  filtered: boolean;
  ended: 'finished' | 'quit' | 'interrupted';
}

export function summarize(state: SessionState, nextDue: Date | null, filtered = false): Summary {
  return {
    graded: state.history.length,
    cards: new Set(state.history.map((entry) => entry.cardId)).size,
    filtered,
    skipped: state.skipped,
    spentMs: Math.max(0, state.now.getTime() - state.startedAt.getTime()),
    grades: gradeCounts(state),
    nextDue,
    ended: state.ended ?? 'quit',
  };
}

/** "in 3h (14:05)" or "in 4d (Thu 26 Nov)", in the user's time zone. */
export function whenDue(now: Date, due: Date, timeZone?: string): string {
  if (due.getTime() <= now.getTime()) return 'now';
  const sameDay = due.getTime() - now.getTime() < 20 * 3600_000;
  return `in ${formatInterval(now, due)} (${timeZone === undefined ? localLabel(due, sameDay) : zonedLabel(due, sameDay, timeZone)})`;
}

function zonedLabel(at: Date, sameDay: boolean, timeZone: string): string {
  const format = new Intl.DateTimeFormat('en-GB', sameDay ? { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } : { timeZone, weekday: 'short', day: 'numeric', month: 'short' });
  return format.format(at);
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
/** en-GB's short month names (September is "Sept"). */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sept', 'Oct', 'Nov', 'Dec'];

/**
 * zonedLabel in the machine's own zone, from Date's local fields: the same text without the ~30 ms
 * an Intl.DateTimeFormat costs on first use (at the end of every drill).
 */
function localLabel(at: Date, sameDay: boolean): string {
  if (sameDay) return `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
  return `${WEEKDAYS[at.getDay()]} ${at.getDate()} ${MONTHS[at.getMonth()]}`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function renderSummary(summary: Summary, now: Date, c: ChalkInstance, timeZone?: string): string[] {
  const title = summary.ended === 'finished' ? 'Session done' : 'Session stopped';
  const grades = summary.graded !== summary.cards ? ` (${plural(summary.graded, 'grade')})` : '';
  const lines = [c.bold(`${title}: ${plural(summary.cards, 'card')} graded${grades} in ${formatDuration(summary.spentMs / 1000)}${summary.skipped > 0 ? `, ${summary.skipped} skipped` : ''}.`)];
  if (summary.graded > 0) {
    const colours = gradeColours(c);
    lines.push(`  ${GRADES.map((g) => colours[g](`${GRADE_NAMES[g]} ${summary.grades[g]}`)).join('  ')}`);
  }
  lines.push(nextDueLine(summary, now, timeZone));
  return lines;
}

/** "card", or with --tag/--company, the card that is meant: the next matching one. */
const cardWord = (filtered: boolean) => (filtered ? 'card matching --tag/--company' : 'card');

function nextDueLine({ nextDue, filtered }: Pick<Summary, 'nextDue' | 'filtered'>, now: Date, timeZone?: string): string {
  const card = cardWord(filtered);
  return nextDue ? `Next ${card} due ${whenDue(now, nextDue, timeZone)}.` : `No ${card} is scheduled yet; new cards are introduced each day.`;
}

/** The line printed on Ctrl-C. */
export function oneLineSummary(summary: Summary, now: Date, timeZone?: string): string {
  const saved = summary.graded === 0 ? 'nothing graded' : `${plural(summary.graded, 'grade')} saved`;
  return `Stopped: ${saved} in ${formatDuration(summary.spentMs / 1000)}. ${nextDueLine(summary, now, timeZone)}`;
}

export interface NothingDueInfo {
  matching: number;
  toPrepare: number;
  newHeldBack: number;
  dueHeldBack: number;
  newPerDay: number;
  reviewsPerDay: number;
  nextDue: Date | null;
  filtered: boolean;
}

/** Nothing to drill now: why, when the next card is due, and how to rehearse anyway. */
export function renderNothingDue(info: NothingDueInfo, now: Date, c: ChalkInstance, timeZone?: string): string[] {
  if (info.matching === 0) {
    return [info.filtered ? 'No cards match these filters; run `prep list` to see the tags and companies in the deck.' : 'The deck is empty; add an answer with `prep add`.'];
  }
  if (info.matching === info.toPrepare) {
    return [`${info.toPrepare === 1 ? 'The matching question has' : `All ${info.toPrepare} matching questions have`} no answer yet; write the answer under the question (see \`prep list\`), then drill.`];
  }
  const lines = [c.bold('Nothing is due right now.')];
  if (info.newHeldBack > 0) lines.push(`Today's new cards are done (limit ${info.newPerDay}); ${plural(info.newHeldBack, 'new card waits', 'new cards wait')} for tomorrow (the day starts at 4 a.m.), or raise the limit with \`--new ${info.newPerDay + 10}\`.`);
  if (info.dueHeldBack > 0) lines.push(`Today's review limit (${info.reviewsPerDay}) is reached; ${plural(info.dueHeldBack, 'due card waits', 'due cards wait')}. Raise it with \`--max-reviews ${info.reviewsPerDay + 50}\`.`);
  const card = cardWord(info.filtered);
  lines.push(info.nextDue ? `The next ${card} is due ${whenDue(now, info.nextDue, timeZone)}.` : `No ${card} is scheduled yet.`);
  lines.push(`To rehearse anyway (e.g. the night before an interview), run ${c.cyan('`prep drill --cram`')}.`);
  return lines;
}
