/**
 * `prep drill`: wiring only. Reads the deck and progress, picks the cards (core/pick.ts), and runs
 * the session state machine (core/session.ts) against the real terminal: raw-mode keys, a timer
 * redrawn in place about four times a second, the editor, and the progress store. Every grade is
 * appended (durably) before the next question is drawn. Ctrl-C or a signal restores the terminal,
 * keeps what was graded and exits 0.
 */
import path from 'node:path';
import { filterCards } from '../core/deck.js';
import { nextDue, pickCards, DEFAULT_NEW_PER_DAY, DEFAULT_REVIEWS_PER_DAY, RECENT_MS } from '../core/pick.js';
import { reconcile } from '../core/reconcile.js';
import { parseRetention, Scheduler } from '../core/schedule.js';
import { currentItem, limitFor, parseKeys, startSession, step, timerMs, type Effect, type Input, type SessionConfig, type SessionState } from '../core/session.js';
import type { Card } from '../core/card.js';
import { loadDeckLazily } from '../store/deck-cache.js';
import { findDeck } from '../store/paths.js';
import { defaultProgressFile, openProgress, type ProgressStore } from '../store/progress.js';
import { oneLineSummary, renderNothingDue, renderQuestion, renderReveal, renderSummary, summarize, timerLine, type Screen } from '../ui/drill-view.js';
import { paint } from '../ui/paint.js';
import { pinnedNow, printLines, type CommandIO } from './io.js';

export interface DrillOptions {
  tag?: string[];
  company?: string;
  limit?: number;
  new?: number;
  maxReviews?: number;
  time?: number;
  cram?: boolean;
  shuffle?: boolean;
  seed?: number;
  type?: boolean;
  retention?: string;
  deck?: string;
  progress?: string;
}

const TICK_MS = 250;
const ALT_SCREEN_ON = '\x1b[?1049h';
const ALT_SCREEN_OFF = '\x1b[?1049l';
const CURSOR_HIDE = '\x1b[?25l';
const CURSOR_SHOW = '\x1b[?25h';

export async function run(options: DrillOptions, io: CommandIO): Promise<number> {
  const retention = parseRetention(options.retention);
  const stdin = process.stdin;
  if (!stdin.isTTY || !io.term.isTTY) {
    io.stderr.write(
      `prep: drill is interactive and needs a terminal, but its ${!stdin.isTTY ? 'input' : 'output'} is not one; run \`prep drill\` in a terminal (for scripts, see \`prep stats --json\`).\n`,
    );
    return 2;
  }

  const locations = findDeck({ deck: options.deck, cwd: io.cwd, env: io.env });
  // Summaries are enough to reconcile and pick; only the picked cards are revived in full.
  const deck = await loadDeckLazily(locations.deckDir);
  const progressFile = options.progress ? path.resolve(io.cwd, options.progress) : defaultProgressFile(locations);
  const now = drillClock(io.env);
  const startedAt = now();
  const store = openProgress(progressFile, { now: startedAt });
  try {
    // Edited answers keep their schedule; renamed cards get their history back (logged, never dropped).
    for (const event of reconcile(deck.cards, store.data, startedAt)) store.append(event);
    const cards = filterCards(deck.cards, { tags: options.tag, company: options.company });
    const filtered = (options.tag?.length ?? 0) > 0 || options.company !== undefined;
    const scheduler = new Scheduler(retention);
    const newPerDay = options.new ?? DEFAULT_NEW_PER_DAY;
    const reviewsPerDay = options.maxReviews ?? DEFAULT_REVIEWS_PER_DAY;
    const picked = pickCards(cards, store.data, scheduler, {
      now: startedAt,
      newPerDay,
      reviewsPerDay,
      limit: options.limit,
      cram: options.cram,
      shuffle: options.shuffle || options.seed !== undefined,
      seed: options.seed ?? (startedAt.getTime() % 2 ** 31),
      // Today's counts from the end of the history: a long one is not read whole before the first question.
      recent: store.recentReviews(new Date(startedAt.getTime() - RECENT_MS)),
    });
    const c = paint(io.term);
    if (picked.queue.length === 0) {
      printLines(
        io,
        renderNothingDue(
          {
            matching: cards.length,
            toPrepare: picked.toPrepare,
            newHeldBack: picked.newHeldBack,
            dueHeldBack: picked.dueHeldBack,
            newPerDay,
            reviewsPerDay,
            nextDue: nextDue(cards, store.data.cards, startedAt),
            filtered,
          },
          startedAt,
          c,
        ),
      );
      return 0;
    }
    const config: SessionConfig = { scheduler, timeLimitSec: options.time, typing: options.type === true, nextSeq: () => store.nextSeq() };
    // Each card's answer is read from the cache when the session first needs it (the reveal).
    const queue = picked.queue.map((p) => ({ ...p, card: deck.fullCard(p.card) }));
    const state = await interactive(startSession(queue, store.data.cards, now()), config, store, locations.deckDir, io, now);
    const summary = summarize(state, nextDue(cards, state.records, state.now), filtered);
    if (state.ended === 'interrupted') io.stdout.write(`${oneLineSummary(summary, state.now)}\n`);
    else printLines(io, renderSummary(summary, state.now, c));
    store.close(); // folds the session into progress.json; what went wrong there is among the warnings
    for (const warning of store.warnings) io.stderr.write(`prep: ${warning}\n`);
    const errors = deck.errors;
    if (errors > 0) io.stderr.write(`${errors === 1 ? 'A problem in a file kept' : `${errors} problems in files kept`} cards out of this drill; run \`prep check\` to see ${errors === 1 ? 'it' : 'them'}.\n`);
    return 0;
  } finally {
    store.close();
  }
}

/**
 * The session's clock. PREP_NOW (pinnedNow, for tests) sets where it starts; from there it runs in
 * real time (monotonic), so the live timer and time spent stay real.
 */
function drillClock(env: NodeJS.ProcessEnv): () => Date {
  const pinned = pinnedNow(env);
  if (!pinned) return () => new Date();
  const start = performance.now();
  return () => new Date(pinned.getTime() + (performance.now() - start));
}

/** Runs the session on the terminal until it is done; resolves with the final state. */
function interactive(initial: SessionState, config: SessionConfig, store: ProgressStore, deckDir: string, io: CommandIO, now: () => Date): Promise<SessionState> {
  const stdin = process.stdin;
  const out = process.stdout;
  const c = paint(io.term);
  let state = initial;
  let timerRow: number | null = null;
  let editing = false;
  let rawOn = false;
  let finished = false;

  const write = (text: string) => {
    try {
      out.write(text);
    } catch {
      // the terminal is gone (SIGHUP); nothing to draw on
    }
  };
  const screen = (): Screen => ({ columns: out.columns || 80, rows: out.rows || 24, c });
  const enterTerminal = () => {
    if (rawOn) return;
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    stdin.resume();
    write(ALT_SCREEN_ON + CURSOR_HIDE);
    rawOn = true;
  };
  const leaveTerminal = () => {
    if (!rawOn) return;
    rawOn = false;
    write(CURSOR_SHOW + ALT_SCREEN_OFF);
    try {
      stdin.setRawMode(false);
    } catch {
      // stdin already closed
    }
    stdin.pause();
  };

  const draw = () => {
    if (!rawOn || state.phase === 'done') return;
    const s = screen();
    let lines: string[];
    timerRow = null;
    if (state.phase === 'question') {
      const frame = renderQuestion(state, config, s);
      lines = frame.lines;
      timerRow = frame.timerRow;
    } else {
      const frame = renderReveal(state, config, s);
      lines = frame.lines;
      if (frame.maxScroll !== state.maxScroll) state = step(state, { type: 'layout', maxScroll: frame.maxScroll, now: now() }, config).state;
    }
    write(`\x1b[H${lines.slice(0, s.rows).map((l) => `${l}\x1b[K`).join('\r\n')}\x1b[J`);
  };
  const drawTimer = () => {
    const item = currentItem(state);
    if (!rawOn || state.phase !== 'question' || timerRow === null || !item) return;
    write(`\x1b7\x1b[${timerRow + 1};1H${timerLine(timerMs(state), limitFor(item, config), screen().columns, c)}\x1b[K\x1b8`);
  };

  return new Promise<SessionState>((resolve, reject) => {
    let chain: Promise<void> = Promise.resolve();
    const enqueue = (job: () => Promise<void> | void) => {
      chain = chain.then(job).catch((error: unknown) => stop(error));
    };

    const apply = async (input: Input) => {
      const result = step(state, input, config);
      state = result.state;
      for (const effect of result.effects) await perform(effect);
    };
    const perform = async (effect: Effect) => {
      if (effect.type === 'persist') {
        store.append(effect.event); // durable (fsynced) when it returns: only then may the next card show
        await apply({ type: 'persisted', now: now() });
        return;
      }
      const card = effect.card;
      editing = true;
      leaveTerminal();
      // Loaded when first asked for: nothing before the first question needs it.
      const { openInEditor } = await import('../store/editor.js');
      const result = await openInEditor(path.join(deckDir, card.file), io.env, { line: card.line });
      editing = false;
      const reloaded = result.ok ? await reloadCard(deckDir, card) : { card, message: `Could not edit: ${result.error ?? 'the editor failed'}.` };
      enterTerminal();
      await apply({ type: 'edited', card: reloaded.card, now: now(), ...(reloaded.message ? { message: reloaded.message } : {}) });
    };

    const onData = (chunk: string) =>
      enqueue(async () => {
        for (const key of parseKeys(chunk)) {
          if (state.phase === 'done') break;
          await apply({ type: 'key', key, now: now() });
        }
        after();
      });
    const onTick = () => {
      if (editing || finished) return;
      state = step(state, { type: 'tick', now: now() }, config).state;
      drawTimer();
    };
    const onSignal = (signal: NodeJS.Signals) => {
      if (editing && signal === 'SIGINT') return; // Ctrl-C belongs to the editor while it runs
      enqueue(async () => {
        await apply({ type: 'interrupt', now: now() });
        after();
      });
    };
    const onResize = () => draw();
    const restoreOnExit = () => leaveTerminal();

    const after = () => {
      if (state.phase === 'done') stop();
      else draw();
    };
    const stop = (error?: unknown) => {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      stdin.off('data', onData);
      out.off('resize', onResize);
      for (const signal of SIGNALS) process.off(signal, onSignal);
      process.off('exit', restoreOnExit);
      leaveTerminal();
      if (error !== undefined) reject(error);
      else resolve(state);
    };

    const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    process.on('exit', restoreOnExit);
    for (const signal of SIGNALS) process.on(signal, onSignal);
    enterTerminal();
    stdin.on('data', onData);
    out.on('resize', onResize);
    const timer = setInterval(onTick, TICK_MS);
    draw();
  });
}

/** The card again from its file after editing: same id, else the same place in the file; null when gone. */
async function reloadCard(deckDir: string, before: Card): Promise<{ card: Card | null; message?: string }> {
  // The parser (remark, YAML) is loaded only here, after an edit: a warm start never needs it.
  const { readAnswerFile } = await import('../store/deck-files.js');
  const parsed = readAnswerFile(deckDir, before.file);
  const card = parsed.cards.find((c) => c.id === before.id) ?? (parsed.cards.length === 1 ? parsed.cards[0]! : parsed.cards.find((c) => c.line === before.line) ?? null);
  const problem = parsed.problems.find((p) => p.severity === 'error');
  if (card === null && problem) return { card, message: `${problem.file}:${problem.line}: ${problem.message}; the card was skipped.` };
  return { card };
}
