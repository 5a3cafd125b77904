/**
 * `prep stats` as lines of text. Pure: takes the Stats value, the width and a chalk instance.
 * Everything reads without colour too: the heatmap uses shading characters (· ░ ▒ ▓ █) with a
 * legend, the forecast uses bars of █, and edited answers carry a `*`.
 */
import type { ChalkInstance } from 'chalk';
import type { ForecastDay, GroupStats, HistoryDay, Overview, Stats, WeakCard } from '../core/stats.js';
import { formatDuration } from '../core/text.js';
import { safeLine } from './sanitize.js';
import { renderTable, type Column } from './table.js';
import { displayWidth, padEnd, padStart, truncate, wrap } from './width.js';

export interface StatsViewOptions {
  /** Columns available; Infinity when piped. */
  columns: number;
  c: ChalkInstance;
}

const SHADES = ['·', '░', '▒', '▓', '█'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const INDENT = '  ';
/** Bars and heatmaps stop growing here, even in a wide terminal or a pipe. */
const MAX_BAR = 40;
/** Narrowest the question (or tag) column may get before other columns are dropped. */
const MIN_FLEXIBLE = 36;

export function renderStats(stats: Stats, options: StatsViewOptions): string[] {
  const sections = [
    renderWeakest(stats.weakest, stats.overview.today, options),
    renderOverview(stats.overview, options),
    renderForecast(stats.forecast, options),
    renderHeatmap(stats.history, options),
    renderGroups('By tag', 'TAG', '(no tag)', stats.byTag, options),
    renderGroups('By company', 'COMPANY', '(no company)', stats.byCompany, options),
  ].filter((lines) => lines.length > 0);
  return sections.flatMap((lines, i) => (i === 0 ? lines : ['', ...lines]));
}

// ── Weakest questions ────────────────────────────────────────────────────────────────────────

interface WeakColumn extends Column {
  key: 'rank' | 'question' | 'tags' | 'company' | 'last' | 'reviews' | 'lapses' | 'time' | 'recall' | 'score';
  cell: (w: WeakCard) => string;
}

function renderWeakest(weakest: readonly WeakCard[], today: string, { columns, c }: StatsViewOptions): string[] {
  const title = heading('Weakest answers', 'score 0–100, higher is weaker', columns, c);
  if (weakest.length === 0) return [title, fitLine(`${INDENT}No rehearsed answers here yet; run \`prep drill\` to rehearse some.`, columns)];
  const all: WeakColumn[] = [
    { key: 'rank', header: '#', align: 'right', cell: (w) => String(w.rank) },
    { key: 'question', header: 'QUESTION', flexible: true, cell: (w) => `${w.edited ? '* ' : ''}${safeLine(w.question)}` },
    { key: 'tags', header: 'TAGS', max: 16, cell: (w) => safeLine(w.tags.join(', ')) },
    { key: 'company', header: 'COMPANY', max: 12, cell: (w) => safeLine(w.company ?? '') },
    { key: 'last', header: 'LAST', cell: (w) => lastLabel(w.lastReviewDay, today) },
    { key: 'reviews', header: 'REVS', align: 'right', cell: (w) => String(w.reviews) },
    { key: 'lapses', header: 'LAPSES', align: 'right', cell: (w) => String(w.lapses) },
    { key: 'time', header: 'TIME/LIMIT', align: 'right', cell: (w) => `${w.averageSec === null ? '-' : formatDuration(w.averageSec)}/${formatDuration(w.limitSec)}` },
    { key: 'recall', header: 'RECALL', align: 'right', cell: (w) => (w.retrievability === null ? '-' : percent(w.retrievability)) }, // '-': no estimate (only crammed)
    { key: 'score', header: 'SCORE', align: 'right', cell: (w) => String(Math.round(w.score)) },
  ];
  // Narrow terminals lose the least useful columns first.
  const dropOrder: WeakColumn['key'][] = ['company', 'tags', 'lapses', 'reviews', 'last', 'recall', 'time'];
  const style = (cols: readonly WeakColumn[]) => (column: number, text: string, row: number) => {
    const w = weakest[row]!;
    switch (cols[column]!.key) {
      case 'score':
        return w.score >= 50 ? c.red(text) : w.score >= 25 ? c.yellow(text) : c.green(text);
      case 'time':
        return w.averageSec !== null && w.averageSec > w.limitSec ? c.red(text) : text;
      case 'tags':
      case 'company':
      case 'last':
        return c.dim(text);
      case 'question':
        return w.edited ? text.replace(/^\* /, `${c.yellow('*')} `) : text;
      default:
        return text;
    }
  };
  const table = fitTable(all, dropOrder, weakest, columns, style, c);
  const lines = [title, ...table.map((l) => INDENT + l)];
  if (weakest.some((w) => w.edited)) lines.push(`${INDENT}${c.yellow('*')} ${c.dim(fitLine('answer edited since its last rehearsal; drill it again', columns - INDENT.length - 2))}`);
  return lines;
}

/** `all` as a table of `rows`: in a narrow terminal the columns in `dropOrder` go first to last (see Column.drop). */
function fitTable<T, C extends Column & { key: string; cell: (row: T) => string }>(
  all: readonly C[],
  dropOrder: ReadonlyArray<C['key']>,
  rows: readonly T[],
  width: number,
  style: (cols: readonly C[]) => (column: number, text: string, row: number) => string,
  c: ChalkInstance,
): string[] {
  const columns = all.map((col) => (dropOrder.includes(col.key) ? { ...col, drop: dropOrder.indexOf(col.key) } : col));
  return renderTable(
    columns,
    rows.map((r) => all.map((col) => col.cell(r))),
    width - INDENT.length,
    style(all),
    (text) => c.bold(text),
    { minFlexible: MIN_FLEXIBLE },
  );
}

function lastLabel(day: string | null, today: string): string {
  if (day === null) return '-';
  const days = Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${day}T00:00:00Z`)) / 86_400_000);
  if (days <= 0) return 'today';
  if (days < 60) return `${days}d ago`;
  return day;
}

// ── Overview ─────────────────────────────────────────────────────────────────────────────────

function renderOverview(o: Overview, { columns, c }: StatsViewOptions): string[] {
  const k = o.cards;
  const rate = (label: string, r: Overview['retention']['last7']) => `${label} ${r.rate === null ? '-' : `${percent(r.rate)} (${r.passed} of ${r.reviews})`}`;
  const t = o.answerTime;
  const rows: Array<[string, string[]]> = [
    ['Cards', [`${k.total} total`, `${k.new} new`, `${k.learning} learning`, `${k.review} review`, `${k.dueToday} due today`]],
    ['Never rehearsed', [`${k.neverRehearsed}`, ...(k.toPrepare > 0 ? [`${k.toPrepare} ${k.toPrepare === 1 ? 'question' : 'questions'} still to prepare`] : [])]],
    ['True retention', [rate('7 days', o.retention.last7), rate('30 days', o.retention.last30)]],
    ['Reviews per day', [`7 days ${o.reviewsPerDay.last7}`, `30 days ${o.reviewsPerDay.last30}`]],
    [
      'Answer time',
      t.averageSec === null || t.averageLimitSec === null || t.ratio === null || t.overLimitShare === null
        ? ['-']
        : [`${formatDuration(t.averageSec)} on average`, `${percent(t.ratio)} of the limit (${formatDuration(t.averageLimitSec)} on average)`, `${percent(t.overLimitShare)} ran over`],
    ],
  ];
  if (k.edited > 0) rows.push(['Edited', [`${k.edited} ${k.edited === 1 ? 'answer' : 'answers'} changed since last rehearsed`]]);
  const labelWidth = Math.max(...rows.map(([label]) => displayWidth(label))) + 2;
  const lines = [heading('Overview', `study day ${o.today}${o.since ? `, reviews since ${o.since}` : ''}`, columns, c)];
  for (const [label, parts] of rows) {
    const valueWidth = columns - INDENT.length - labelWidth;
    wrapParts(parts, valueWidth).forEach((value, i) => lines.push(`${INDENT}${i === 0 ? c.dim(padEnd(label, labelWidth)) : ' '.repeat(labelWidth)}${value}`));
  }
  return lines;
}

/** Joins parts with `separator`, breaking between parts to stay within `width`; a part too long alone is word-wrapped. */
function wrapParts(parts: readonly string[], width: number, separator = ' · '): string[] {
  const lines: string[] = [];
  let line = '';
  for (const part of parts) {
    const candidate = line === '' ? part : `${line}${separator}${part}`;
    if (displayWidth(candidate) <= width) {
      line = candidate;
      continue;
    }
    if (line !== '') lines.push(line);
    if (displayWidth(part) <= width || !Number.isFinite(width)) line = part;
    else {
      const pieces = wrap(part, Math.max(1, width)).map((piece) => fitLine(piece, width));
      lines.push(...pieces.slice(0, -1));
      line = pieces.at(-1) ?? '';
    }
  }
  lines.push(line);
  return lines;
}

// ── Forecast ─────────────────────────────────────────────────────────────────────────────────

export function renderForecast(forecast: readonly ForecastDay[], { columns, c }: StatsViewOptions): string[] {
  const total = forecast.reduce((n, d) => n + d.due, 0);
  const lines = [heading(`Due in the next ${forecast.length} days`, `${total} ${total === 1 ? 'card' : 'cards'}`, columns, c)];
  const labels = forecast.map((d, i) => (i === 0 ? 'today' : `${WEEKDAYS[weekday(d.day)]} ${d.day.slice(5)}`));
  const labelWidth = Math.max(...labels.map(displayWidth));
  const max = Math.max(0, ...forecast.map((d) => d.due));
  const countWidth = String(max).length;
  const barRoom = Math.max(1, Math.min(MAX_BAR, columns - INDENT.length - labelWidth - 2 - countWidth - 1));
  forecast.forEach((d, i) => {
    const length = d.due === 0 ? 0 : Math.max(1, Math.round((d.due / max) * barRoom));
    const bar = c.cyan('█'.repeat(length));
    const count = d.due === 0 ? c.dim(padStart('0', countWidth)) : padStart(String(d.due), countWidth);
    lines.push(`${INDENT}${padEnd(labels[i]!, labelWidth)}  ${bar}${length > 0 ? ' ' : ''}${count}`.trimEnd());
  });
  return lines;
}

// ── History heatmap ──────────────────────────────────────────────────────────────────────────

export function renderHeatmap(history: readonly HistoryDay[], { columns, c }: StatsViewOptions): string[] {
  if (history.length === 0) return [];
  const labelWidth = 4; // "Mon "
  const allWeeks = Math.ceil(history.length / 7);
  const fit = Math.floor((columns - INDENT.length - labelWidth) / 2);
  const weeks = Math.max(1, Math.min(allWeeks, Number.isFinite(fit) ? fit : allWeeks));
  const shown = history.slice((allWeeks - weeks) * 7);
  const max = Math.max(0, ...shown.map((d) => d.reviews));
  const level = (n: number) => (n === 0 || max === 0 ? 0 : Math.min(4, Math.max(1, Math.ceil((4 * n) / max))));
  const shade = (lvl: number) => {
    const ch = SHADES[lvl]!;
    return lvl === 0 ? c.dim(ch) : lvl <= 2 ? c.green(ch) : c.greenBright(ch);
  };

  const lines = [heading('Review history', `last ${weeks} ${weeks === 1 ? 'week' : 'weeks'}, days start at 4 a.m.`, columns, c)];
  // Month names above the first week whose Monday falls in that month. The first week shown may
  // be the tail of a month: its label gives way when the next month's would not fit beside it.
  const monthOf = (w: number) => Number(shown[w * 7]!.day.slice(5, 7)) - 1;
  const labels: { at: number; name: string }[] = [];
  for (let w = 0; w < weeks; w++) {
    if (w > 0 && monthOf(w) === monthOf(w - 1)) continue;
    const at = w * 2;
    if (at + 3 > weeks * 2) continue;
    const previous = labels.at(-1);
    if (previous && previous.at + 4 > at) {
      if (previous.at !== 0) continue;
      labels.pop();
    }
    labels.push({ at, name: MONTHS[monthOf(w)]! });
  }
  const monthRow = labels.reduce((row, { at, name }) => padEnd(row, at) + name, '');
  lines.push(`${INDENT}${' '.repeat(labelWidth)}${monthRow}`.trimEnd());
  for (let row = 0; row < 7; row++) {
    let line = `${INDENT}${padEnd(WEEKDAYS[row]!, labelWidth)}`;
    const cells: string[] = [];
    for (let w = 0; w < weeks; w++) {
      const entry = shown[w * 7 + row];
      cells.push(entry ? shade(level(entry.reviews)) : ' ');
    }
    line += cells.join(' ');
    lines.push(line.trimEnd());
  }

  // Legend: what each shade stands for, in reviews per day.
  const legend: string[] = [`${shade(0)} none`];
  for (let lvl = 1; lvl <= 4 && max > 0; lvl++) {
    const from = Math.floor(((lvl - 1) * max) / 4) + 1;
    const to = Math.floor((lvl * max) / 4);
    if (to < from) continue;
    legend.push(`${shade(lvl)} ${from === to ? from : `${from}–${to}`}`);
  }
  legend.push(c.dim('reviews a day'));
  for (const l of wrapParts(legend, columns - INDENT.length - labelWidth, '  ')) lines.push(`${INDENT}${' '.repeat(labelWidth)}${l}`);

  const total = shown.reduce((n, d) => n + d.reviews, 0);
  const active = shown.filter((d) => d.reviews > 0).length;
  const days = streak(history);
  const summary = [`${total} ${total === 1 ? 'review' : 'reviews'} on ${active} of ${shown.length} days`, `streak ${days} ${days === 1 ? 'day' : 'days'}`];
  wrapParts(summary, columns - INDENT.length).forEach((l) => lines.push(INDENT + l));
  return lines;
}

/** Days in a row with reviews, ending today (or yesterday, when today has none yet). */
function streak(history: readonly HistoryDay[]): number {
  let i = history.length - 1;
  if (i >= 0 && history[i]!.reviews === 0) i -= 1;
  let n = 0;
  for (; i >= 0 && history[i]!.reviews > 0; i--) n += 1;
  return n;
}

// ── By tag, by company ───────────────────────────────────────────────────────────────────────

interface GroupColumn extends Column {
  key: 'name' | 'cards' | 'new' | 'due' | 'reviews' | 'retention' | 'weakness';
  cell: (g: GroupStats) => string;
}

function renderGroups(title: string, header: string, none: string, groups: readonly GroupStats[], { columns, c }: StatsViewOptions): string[] {
  if (groups.every((g) => g.name === null)) return [];
  const all: GroupColumn[] = [
    { key: 'name', header, flexible: true, cell: (g) => (g.name === null ? none : safeLine(g.name)) },
    { key: 'cards', header: 'CARDS', align: 'right', cell: (g) => String(g.cards) },
    { key: 'new', header: 'NEW', align: 'right', cell: (g) => String(g.new) },
    { key: 'due', header: 'DUE', align: 'right', cell: (g) => String(g.dueToday) },
    { key: 'reviews', header: 'REVIEWS', align: 'right', cell: (g) => String(g.reviews) },
    { key: 'retention', header: 'RETENTION', align: 'right', cell: (g) => (g.retention === null ? '-' : percent(g.retention)) },
    { key: 'weakness', header: 'WEAKNESS', align: 'right', cell: (g) => (g.weakness === null ? '-' : String(Math.round(g.weakness))) },
  ];
  const style = (cols: readonly GroupColumn[]) => (column: number, text: string, row: number) => {
    const g = groups[row]!;
    const key = cols[column]!.key;
    if (key === 'weakness' && g.weakness !== null) return g.weakness >= 50 ? c.red(text) : g.weakness >= 25 ? c.yellow(text) : c.green(text);
    if (key === 'name' && g.name === null) return c.dim(text);
    return text;
  };
  const table = fitTable(all, ['new', 'reviews', 'due', 'retention'], groups, columns, style, c);
  return [heading(title, '', columns, c), ...table.map((l) => INDENT + l)];
}

// ── helpers ──────────────────────────────────────────────────────────────────────────────────

const percent = (x: number) => `${Math.round(x * 100)}%`;

/** A section title, with a dimmed note when there is room for it. */
function heading(title: string, note: string, columns: number, c: ChalkInstance): string {
  const withNote = `${title}  (${note})`;
  if (note !== '' && displayWidth(withNote) <= columns) return c.bold(title) + c.dim(`  (${note})`);
  return c.bold(fitLine(title, columns));
}

/** Plain text cut to the width (no-op when piped). */
function fitLine(text: string, columns: number): string {
  return Number.isFinite(columns) ? truncate(text, Math.max(1, columns)) : text;
}

/** 0 for Monday … 6 for Sunday. */
function weekday(day: string): number {
  return (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
}
