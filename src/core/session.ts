/**
 * A drill session as a pure state machine. Inputs are key presses, clock ticks and the command's
 * acknowledgements ("that event is on disk", "the editor closed"), each carrying `now`; outputs are
 * the next state and effects for the command to carry out. No I/O, no clock.
 *
 *   question --reveal--> revealed --grade--> graded --persisted--> question (next card) | done
 *   question/revealed --skip--> next card;  --undo--> graded (undo event) --persisted--> question (that card)
 *   question/revealed --edit--> (editing) --edited--> same phase, card reloaded
 *   any --quit / Ctrl-C--> done
 *
 * A grade is only followed by the next question after the command reports `persisted`, so the
 * command must write the event before it feeds that input back: nothing is shown ahead of the disk.
 */
import type { Card } from './card.js';
import { checkKeyPoints, type Coverage } from './keypoints.js';
import { copyRecords, type Picked } from './pick.js';
import { recordOf, type CardRecord, type Grade, type MemoryState, type ProgressEvent } from './progress-model.js';
import { formatInterval, isDue, LEARN_AHEAD_MS, type Scheduler } from './schedule.js';
import { combineSuggestions, suggestFromTime } from './timing.js';

export type Key =
  | { type: 'text'; text: string }
  | { type: 'key'; name: 'enter' | 'space' | 'backspace' | 'tab' | 'escape' | 'ctrl-c' | 'ctrl-u' | 'ctrl-w' | 'up' | 'down' | 'pageup' | 'pagedown' | 'other' };

export type Input =
  | { type: 'key'; key: Key; now: Date }
  | { type: 'tick'; now: Date }
  /** The pending event is durable on disk. */
  | { type: 'persisted'; now: Date }
  /** The editor closed; `card` is the card reloaded from its file, null when it is gone. */
  | { type: 'edited'; card: Card | null; now: Date; message?: string }
  /** Ctrl-C or a signal: stop now (what was graded is already on disk). */
  | { type: 'interrupt'; now: Date }
  /** The answer screen as drawn: how far it can scroll (the view knows the terminal's height). */
  | { type: 'layout'; maxScroll: number; now: Date };

export type Effect = { type: 'persist'; event: ProgressEvent } | { type: 'edit'; card: Card };

export interface SessionConfig {
  scheduler: Scheduler;
  /** `--time`: one limit for every card instead of each card's own. */
  timeLimitSec?: number | undefined;
  typing: boolean;
  timeZone?: string | undefined;
  /** The progress store's sequence numbers for new reviews. */
  nextSeq: () => number;
}

export interface QueueItem {
  card: Card;
  mode: 'scheduled' | 'cram';
  /** Shown again in this session (a learning card, or a crammed card graded Again). */
  again?: boolean;
}

export interface GradedEntry {
  seq: number;
  cardId: string;
  grade: Grade;
  elapsedMs: number;
  mode: 'scheduled' | 'cram';
  /** Where the card was in the queue, to return to on undo. */
  position: number;
  /** The card's record before this grade; null when it had none. */
  before: CardRecord | null;
  /** The grade put the card back at the end of the queue. */
  requeued: boolean;
}

export type Phase = 'question' | 'revealed' | 'graded' | 'done';

export interface SessionState {
  phase: Phase;
  queue: QueueItem[];
  position: number;
  now: Date;
  startedAt: Date;
  /** When the current question appeared (the timer counts from here). */
  shownAt: Date;
  /** Question to reveal, fixed at reveal. */
  elapsedMs: number;
  typed: string;
  coverage: Coverage | null;
  suggested: Grade | null;
  /** Next interval per grade, as Anki labels its buttons; null when grading keeps the schedule (cram). */
  intervals: Record<Grade, string> | null;
  /** The memory states behind `intervals`: a grade soon after the reveal gets exactly what was shown. */
  preview: Record<Grade, MemoryState> | null;
  /** The editor is open on the current card. */
  editing: boolean;
  /** Lines the answer screen is scrolled down, and how far it can go (from the last `layout`). */
  scroll: number;
  maxScroll: number;
  records: Record<string, CardRecord>;
  history: GradedEntry[];
  /** In `graded`: the event being written, and the position to show once it is on disk. */
  pending: { event: ProgressEvent; next: number } | null;
  skipped: number;
  notice: string | null;
  ended: 'finished' | 'quit' | 'interrupted' | null;
}

export interface Step {
  state: SessionState;
  effects: Effect[];
}

export function startSession(queue: readonly Picked[], records: Readonly<Record<string, CardRecord>>, now: Date): SessionState {
  const state: SessionState = {
    phase: 'question',
    queue: queue.map((p) => ({ card: p.card, mode: p.mode })),
    position: 0,
    now,
    startedAt: now,
    shownAt: now,
    elapsedMs: 0,
    typed: '',
    coverage: null,
    suggested: null,
    intervals: null,
    preview: null,
    editing: false,
    scroll: 0,
    maxScroll: 0,
    records: copyRecords(records),
    history: [],
    pending: null,
    skipped: 0,
    notice: null,
    ended: null,
  };
  return queue.length === 0 ? { ...state, phase: 'done', ended: 'finished' } : state;
}

export function currentItem(state: SessionState): QueueItem | undefined {
  return state.phase === 'done' ? undefined : state.queue[state.position];
}

export function limitFor(item: QueueItem, config: Pick<SessionConfig, 'timeLimitSec'>): number {
  return config.timeLimitSec ?? item.card.timeLimitSec;
}

/** Milliseconds on the timer now: running in `question`, frozen from the reveal on. */
export function timerMs(state: SessionState): number {
  return state.phase === 'question' ? Math.max(0, state.now.getTime() - state.shownAt.getTime()) : state.elapsedMs;
}

/** Grades given in this session (undone ones are gone), by grade. */
export function gradeCounts(state: SessionState): Record<Grade, number> {
  const counts: Record<Grade, number> = { 1: 0, 2: 0, 3: 0, 4: 0 };
  for (const entry of state.history) counts[entry.grade]++;
  return counts;
}

/** Will grading the current card move its schedule? Cram keeps it unless the card is actually due. */
export function gradingSchedules(state: SessionState, item: QueueItem, config: Pick<SessionConfig, 'timeZone'>, now: Date): boolean {
  if (item.mode === 'scheduled') return true;
  const record = recordOf(state.records, item.card.id);
  return record !== undefined && isDue(record.memory, now, config.timeZone);
}

export function step(state: SessionState, input: Input, config: SessionConfig): Step {
  const s: SessionState = { ...state, now: input.now };
  if (input.type === 'tick') return { state: s, effects: [] };
  if (input.type === 'layout') return { state: { ...s, maxScroll: Math.max(0, input.maxScroll), scroll: Math.min(s.scroll, Math.max(0, input.maxScroll)) }, effects: [] };
  if (s.phase === 'done') return { state: s, effects: [] };
  if (input.type === 'interrupt') return end(s, 'interrupted');
  if (input.type === 'persisted') {
    if (s.phase !== 'graded' || !s.pending) return { state: s, effects: [] };
    return { state: show({ ...s, pending: null }, s.pending.next), effects: [] };
  }
  if (input.type === 'edited') {
    const next = afterEdit(s, input.card, config);
    return { state: input.message ? { ...next, notice: input.message } : next, effects: [] };
  }

  const key = input.key;
  if (key.type === 'key' && key.name === 'ctrl-c') return end(s, 'interrupted');
  if (s.phase === 'graded' || s.editing) return { state: s, effects: [] };
  s.notice = null;

  if (s.phase === 'question') {
    if (config.typing) return typingKey(s, key, config);
    if (key.type === 'key' && (key.name === 'enter' || key.name === 'space')) return { state: reveal(s, config), effects: [] };
    return command(s, key);
  }

  // revealed
  if (key.type === 'text' && /^[1-4]$/.test(key.text)) return grade(s, Number(key.text) as Grade, config);
  const lines = scrollBy(key);
  if (lines !== 0) return { state: { ...s, scroll: Math.min(s.maxScroll, Math.max(0, s.scroll + lines)) }, effects: [] };
  if (key.type === 'key' && key.name === 'enter' && s.suggested !== null) return grade(s, s.suggested, config);
  return command(s, key);
}

const PAGE = 10;

/** Scrolling the answer: ↓/j a line, ↑/k back, Space or PgDn a page, PgUp back a page. */
function scrollBy(key: Key): number {
  if (key.type === 'text') return key.text === 'j' ? 1 : key.text === 'k' ? -1 : 0;
  return { down: 1, up: -1, space: PAGE, pagedown: PAGE, pageup: -PAGE }[key.name as string] ?? 0;
}

function typingKey(s: SessionState, key: Key, config: SessionConfig): Step {
  if (key.type === 'text') return { state: { ...s, typed: s.typed + key.text }, effects: [] };
  switch (key.name) {
    case 'space':
      return { state: { ...s, typed: `${s.typed} ` }, effects: [] };
    case 'backspace': {
      const graphemes = [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(s.typed)];
      return { state: { ...s, typed: graphemes.slice(0, -1).map((g) => g.segment).join('') }, effects: [] };
    }
    case 'ctrl-u':
      return { state: { ...s, typed: '' }, effects: [] };
    case 'ctrl-w':
      return { state: { ...s, typed: s.typed.replace(/\S+\s*$/u, '') }, effects: [] };
    case 'enter':
      return { state: reveal(s, config), effects: [] };
    case 'tab':
      return { state: skip(s), effects: [] };
    default:
      return { state: s, effects: [] };
  }
}

/** Single-letter commands, in `question` (not typing) and `revealed`. */
function command(s: SessionState, key: Key): Step {
  if (key.type !== 'text') return { state: s, effects: [] };
  switch (key.text.toLowerCase()) {
    case 's':
      return { state: skip(s), effects: [] };
    case 'u':
      return undo(s);
    case 'e':
      return { state: { ...s, editing: true }, effects: [{ type: 'edit', card: s.queue[s.position]!.card }] };
    case 'q':
      return end(s, 'quit');
    default:
      if (s.phase === 'question' && /^[1-4]$/.test(key.text)) return { state: { ...s, notice: 'Reveal the answer first (Enter or Space), then grade it.' }, effects: [] };
      return { state: s, effects: [] };
  }
}

function reveal(s: SessionState, config: SessionConfig): SessionState {
  const item = s.queue[s.position]!;
  const elapsedMs = Math.max(0, s.now.getTime() - s.shownAt.getTime());
  const { coverage, suggested } = assess(item, s.typed, elapsedMs, config);
  const preview = gradingSchedules(s, item, config, s.now) ? config.scheduler.preview(memoryOf(s, item.card, config), s.now) : null;
  const intervals = preview && { 1: formatInterval(s.now, preview[1].due), 2: formatInterval(s.now, preview[2].due), 3: formatInterval(s.now, preview[3].due), 4: formatInterval(s.now, preview[4].due) };
  return { ...s, phase: 'revealed', elapsedMs, coverage, suggested, intervals, preview, scroll: 0, maxScroll: 0 };
}

/** The key points a typed answer covers (typing mode), and the grade time and coverage suggest. */
function assess(item: QueueItem, typed: string, elapsedMs: number, config: SessionConfig): { coverage: Coverage | null; suggested: Grade } {
  const coverage = config.typing ? checkKeyPoints(item.card.keyPoints, typed) : null;
  return { coverage, suggested: combineSuggestions(suggestFromTime(elapsedMs, limitFor(item, config)), coverage?.suggested) };
}

/** How long after the reveal the shown intervals are still what a grade gives (FSRS fuzz depends on the time). */
const PREVIEW_FRESH_MS = 10 * 60_000;

function memoryOf(s: SessionState, card: Card, config: SessionConfig): MemoryState {
  return recordOf(s.records, card.id)?.memory ?? config.scheduler.newMemory(s.now);
}

function grade(s: SessionState, g: Grade, config: SessionConfig): Step {
  const item = s.queue[s.position]!;
  const card = item.card;
  const before = recordOf(s.records, card.id) ?? null;
  const schedules = gradingSchedules(s, item, config, s.now);
  const revealedAt = s.shownAt.getTime() + s.elapsedMs;
  const shown = s.preview && s.now.getTime() - revealedAt <= PREVIEW_FRESH_MS ? s.preview[g] : undefined;
  const memory = schedules ? (shown ?? config.scheduler.grade(memoryOf(s, card, config), g, s.now)) : memoryOf(s, card, config);
  const record: CardRecord = { id: card.id, question: card.question, file: card.file, contentHash: card.contentHash, memory };
  const seq = config.nextSeq();
  const event: ProgressEvent = {
    type: 'review',
    review: {
      seq,
      cardId: card.id,
      at: s.now,
      grade: g,
      elapsedMs: s.elapsedMs,
      timeLimitSec: limitFor(item, config),
      mode: schedules ? 'scheduled' : 'cram',
      typed: config.typing,
      contentHash: card.contentHash,
    },
    card: record,
  };
  const comesBack = schedules
    ? (memory.phase === 'learning' || memory.phase === 'relearning') && memory.due.getTime() - s.now.getTime() <= LEARN_AHEAD_MS
    : g === 1;
  const queue = comesBack ? [...s.queue, { card, mode: schedules ? ('scheduled' as const) : item.mode, again: true }] : s.queue;
  const entry: GradedEntry = { seq, cardId: card.id, grade: g, elapsedMs: s.elapsedMs, mode: event.review.mode, position: s.position, before, requeued: comesBack };
  return {
    state: {
      ...s,
      phase: 'graded',
      queue,
      records: Object.assign(copyRecords(s.records), { [card.id]: record }),
      history: [...s.history, entry],
      pending: { event, next: s.position + 1 },
    },
    effects: [{ type: 'persist', event }],
  };
}

function undo(s: SessionState): Step {
  const entry = s.history.at(-1);
  if (!entry) return { state: { ...s, notice: 'Nothing to undo: no card has been graded in this session.' }, effects: [] };
  const records = copyRecords(s.records);
  if (entry.before) records[entry.cardId] = entry.before;
  else delete records[entry.cardId];
  const event: ProgressEvent = { type: 'undo', seq: entry.seq, cardId: entry.cardId, at: s.now, card: entry.before };
  return {
    state: {
      ...s,
      phase: 'graded',
      queue: entry.requeued ? s.queue.slice(0, -1) : s.queue,
      records,
      history: s.history.slice(0, -1),
      pending: { event, next: entry.position },
      notice: 'Undid the last grade; here is that card again.',
    },
    effects: [{ type: 'persist', event }],
  };
}

function skip(s: SessionState): SessionState {
  return show({ ...s, skipped: s.skipped + 1 }, s.position + 1);
}

function show(s: SessionState, position: number): SessionState {
  const base = { ...s, position, shownAt: s.now, elapsedMs: 0, typed: '', coverage: null, suggested: null, intervals: null, preview: null, scroll: 0, maxScroll: 0 };
  if (position >= s.queue.length) return { ...base, phase: 'done', ended: 'finished' };
  return { ...base, phase: 'question' };
}

function afterEdit(s: SessionState, card: Card | null, config: SessionConfig): SessionState {
  if (!s.editing) return s;
  const item = s.queue[s.position]!;
  const oldId = item.card.id;
  if (card === null) {
    return { ...skip({ ...s, editing: false }), notice: 'That question is no longer in its file, so it was skipped.' };
  }
  const queue = s.queue.map((q) => (q.card.id === oldId ? { ...q, card } : q));
  const next: SessionState = { ...s, editing: false, queue, notice: card.contentHash === item.card.contentHash ? null : 'Answer updated; its schedule is kept.' };
  if (s.phase === 'question') return { ...next, shownAt: s.now };
  if (s.phase === 'revealed') {
    return { ...next, ...assess(queue[s.position]!, s.typed, s.elapsedMs, config) };
  }
  return next;
}

function end(s: SessionState, how: 'quit' | 'interrupted'): Step {
  return { state: { ...s, phase: 'done', ended: how, editing: false }, effects: [] };
}

/**
 * Raw terminal bytes → keys. Escape sequences (arrows, function keys) become `other`;
 * printable text comes one character at a time.
 */
export function parseKeys(data: string): Key[] {
  const keys: Key[] = [];
  for (let i = 0; i < data.length; ) {
    const ch = data[i]!;
    if (ch === '\x1b') {
      const next = data[i + 1];
      if (next === '[' || next === 'O') {
        let j = i + 2;
        while (j < data.length && !/[@-~]/.test(data[j]!)) j++;
        const sequence = data.slice(i + 2, j + 1);
        const names: Record<string, 'up' | 'down' | 'pageup' | 'pagedown'> = { A: 'up', B: 'down', '5~': 'pageup', '6~': 'pagedown' };
        keys.push({ type: 'key', name: names[sequence] ?? 'other' });
        i = j + 1;
        continue;
      }
      keys.push({ type: 'key', name: next === undefined ? 'escape' : 'other' });
      i += next === undefined ? 1 : 2;
      continue;
    }
    const code = ch.codePointAt(0)!;
    const named: Record<string, Extract<Key, { type: 'key' }>['name']> = {
      '\r': 'enter',
      '\n': 'enter',
      ' ': 'space',
      '\x7f': 'backspace',
      '\b': 'backspace',
      '\t': 'tab',
      '\x03': 'ctrl-c',
      '\x15': 'ctrl-u',
      '\x17': 'ctrl-w',
    };
    if (named[ch]) {
      keys.push({ type: 'key', name: named[ch] });
      i += ch === '\r' && data[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    if (code < 0x20 || (code >= 0x7f && code < 0xa0)) {
      keys.push({ type: 'key', name: 'other' });
      i++;
      continue;
    }
    const char = String.fromCodePoint(data.codePointAt(i)!);
    keys.push({ type: 'text', text: char });
    i += char.length;
  }
  return keys;
}
