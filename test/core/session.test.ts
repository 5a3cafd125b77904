import { describe, expect, it } from 'vitest';
import type { Picked } from '../../src/core/pick.js';
import type { CardRecord, ProgressEvent } from '../../src/core/progress-model.js';
import { Scheduler } from '../../src/core/schedule.js';
import { gradeCounts, parseKeys, startSession, step, timerMs, type Input, type SessionConfig, type SessionState } from '../../src/core/session.js';
import { makeCard, record, reviewMemory } from './drill-cards.js';

const t0 = new Date('2026-11-22T10:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const scheduler = new Scheduler();

function config(extra: Partial<SessionConfig> = {}): SessionConfig {
  let seq = 0;
  return { scheduler, typing: false, timeZone: 'UTC', nextSeq: () => ++seq, ...extra };
}

const key = (text: string, ms: number): Input => ({ type: 'key', key: parseKeys(text)[0]!, now: at(ms) });
const named = (name: 'enter' | 'space' | 'tab' | 'backspace' | 'ctrl-c', ms: number): Input => ({ type: 'key', key: { type: 'key', name }, now: at(ms) });

/** Runs inputs, acknowledging every persist effect at once (as the command does after append). */
function drive(state: SessionState, inputs: Input[], cfg: SessionConfig, events: ProgressEvent[] = []): SessionState {
  let s = state;
  for (const input of inputs) {
    const r = step(s, input, cfg);
    s = r.state;
    for (const e of r.effects) {
      if (e.type === 'persist') {
        events.push(e.event);
        s = step(s, { type: 'persisted', now: input.now }, cfg).state;
      }
    }
  }
  return s;
}

const scheduled = (...ids: string[]): Picked[] => ids.map((id) => ({ card: makeCard(id), mode: 'scheduled', kind: 'new' }));

describe('drill session', () => {
  it('counts the timer up in question, freezes it at the reveal, and suggests Good within time', () => {
    const cfg = config();
    let s = startSession(scheduled('a', 'b'), {}, t0);
    expect(s.phase).toBe('question');
    s = step(s, { type: 'tick', now: at(42_000) }, cfg).state;
    expect(timerMs(s)).toBe(42_000);
    s = step(s, named('space', 60_000), cfg).state;
    expect(s.phase).toBe('revealed');
    expect(s.elapsedMs).toBe(60_000);
    s = step(s, { type: 'tick', now: at(90_000) }, cfg).state;
    expect(timerMs(s)).toBe(60_000);
    expect(s.suggested).toBe(3);
    expect(s.intervals).not.toBeNull();
    expect(Object.keys(s.intervals!)).toEqual(['1', '2', '3', '4']);
  });

  it('emits the review to persist, and shows the next question only once it is persisted', () => {
    const cfg = config();
    let s = startSession(scheduled('a', 'b'), {}, t0);
    s = step(s, named('enter', 30_000), cfg).state;
    const r = step(s, key('3', 31_000), cfg);
    expect(r.state.phase).toBe('graded');
    expect(r.effects).toHaveLength(1);
    const event = r.effects[0]! as Extract<(typeof r.effects)[number], { type: 'persist' }>;
    expect(event.event.type).toBe('review');
    const review = (event.event as Extract<ProgressEvent, { type: 'review' }>).review;
    expect(review).toMatchObject({ seq: 1, cardId: 'a', grade: 3, elapsedMs: 30_000, timeLimitSec: 120, mode: 'scheduled', typed: false, contentHash: 'hash-a' });
    expect(review.at).toEqual(at(31_000));
    // Keys do nothing until the command says the event is on disk.
    expect(step(r.state, key('3', 31_500), cfg).effects).toEqual([]);
    const next = step(r.state, { type: 'persisted', now: at(32_000) }, cfg).state;
    expect(next.phase).toBe('question');
    expect(next.queue[next.position]!.card.id).toBe('b');
    expect(next.shownAt).toEqual(at(32_000));
    expect(next.records.a!.memory.reps).toBe(1);
  });

  it('gives exactly the interval it showed under the grade key (FSRS fuzz included)', () => {
    const a = makeCard('a');
    const before = record(a, reviewMemory(at(-3_600_000), at(-20 * 86_400_000), { stability: 20, reps: 5 }));
    const cfg = config();
    let s = startSession([{ card: a, mode: 'scheduled', kind: 'due' }], { a: before }, t0);
    s = step(s, named('enter', 20_000), cfg).state;
    const shown = s.intervals![3];
    const events: ProgressEvent[] = [];
    drive(s, [key('3', 95_000)], cfg, events);
    const due = (events[0] as Extract<ProgressEvent, { type: 'review' }>).card.memory.due;
    expect(due).toEqual(s.preview![3].due);
    expect(shown).toMatch(/^\d+(d|mo)$/);
  });

  it('suggests at most Hard when over time and Enter accepts the suggestion', () => {
    const events: ProgressEvent[] = [];
    const s = drive(startSession(scheduled('a'), {}, t0), [named('enter', 150_000), named('enter', 151_000)], config(), events);
    expect((events[0] as Extract<ProgressEvent, { type: 'review' }>).review.grade).toBe(2);
    expect(s.history[0]!.grade).toBe(2);
  });

  it('uses the --time limit instead of the card limit', () => {
    const events: ProgressEvent[] = [];
    drive(startSession(scheduled('a'), {}, t0), [named('enter', 70_000), named('enter', 71_000)], config({ timeLimitSec: 60 }), events);
    const review = (events[0] as Extract<ProgressEvent, { type: 'review' }>).review;
    expect(review.timeLimitSec).toBe(60);
    expect(review.grade).toBe(2);
  });

  it('does not accept a grade before the reveal', () => {
    const r = step(startSession(scheduled('a'), {}, t0), key('3', 1000), config());
    expect(r.effects).toEqual([]);
    expect(r.state.phase).toBe('question');
    expect(r.state.notice).toMatch(/Reveal/);
  });

  it('undoes the last grade with an undo event carrying the record as it was, then shows that card again', () => {
    const cfg = config();
    const a = makeCard('a');
    const before = record(a, reviewMemory(at(-3_600_000), at(-5 * 86_400_000)));
    const events: ProgressEvent[] = [];
    let s = startSession([{ card: a, mode: 'scheduled', kind: 'due' }, ...scheduled('b')], { a: before }, t0);
    s = drive(s, [named('enter', 10_000), key('4', 11_000)], cfg, events);
    expect(s.queue[s.position]!.card.id).toBe('b');
    expect(s.records.a).not.toEqual(before);
    s = drive(s, [key('u', 12_000)], cfg, events);
    expect(events[1]).toEqual({ type: 'undo', seq: 1, cardId: 'a', at: at(12_000), card: before });
    expect(s.phase).toBe('question');
    expect(s.queue[s.position]!.card.id).toBe('a');
    expect(s.records.a).toEqual(before);
    expect(s.history).toEqual([]);
    expect(gradeCounts(s)).toEqual({ 1: 0, 2: 0, 3: 0, 4: 0 });
  });

  it('puts a card graded Again back at the end of the queue, and undo takes it out again', () => {
    const cfg = config();
    let s = drive(startSession(scheduled('a', 'b'), {}, t0), [named('enter', 5_000), key('1', 6_000)], cfg);
    expect(s.queue.map((q) => q.card.id)).toEqual(['a', 'b', 'a']);
    s = drive(s, [key('u', 7_000)], cfg);
    expect(s.queue.map((q) => q.card.id)).toEqual(['a', 'b']);
  });

  it('undo with nothing graded says so and persists nothing', () => {
    const r = step(startSession(scheduled('a'), {}, t0), key('u', 1000), config());
    expect(r.effects).toEqual([]);
    expect(r.state.notice).toMatch(/Nothing to undo/);
  });

  it('skips without grading, and ends after the last card', () => {
    const cfg = config();
    let s = drive(startSession(scheduled('a', 'b'), {}, t0), [key('s', 1000)], cfg);
    expect(s.queue[s.position]!.card.id).toBe('b');
    s = drive(s, [named('enter', 2000), key('s', 3000)], cfg);
    expect(s.phase).toBe('done');
    expect(s.ended).toBe('finished');
    expect(s.skipped).toBe(2);
    expect(s.history).toEqual([]);
  });

  it('quits on q and stops on Ctrl-C at any moment', () => {
    expect(drive(startSession(scheduled('a'), {}, t0), [key('q', 1000)], config()).ended).toBe('quit');
    const typing = config({ typing: true });
    const s = drive(startSession(scheduled('a'), {}, t0), [key('q', 1000)], typing);
    expect(s.phase).toBe('question'); // in typing mode q is text
    expect(s.typed).toBe('q');
    expect(drive(s, [named('ctrl-c', 2000)], typing)).toMatchObject({ phase: 'done', ended: 'interrupted' });
    expect(step(s, { type: 'interrupt', now: at(3000) }, typing).state.ended).toBe('interrupted');
  });

  it('treats a card id like __proto__ as a plain id', () => {
    const events: ProgressEvent[] = [];
    const s = drive(startSession([{ card: makeCard('__proto__'), mode: 'scheduled', kind: 'new' }], {}, t0), [named('enter', 1000), key('4', 2000)], config(), events);
    expect(events).toHaveLength(1);
    expect(Object.hasOwn(s.records, '__proto__')).toBe(true);
    expect(s.records['__proto__']!.memory.phase).toBe('review');
    expect(({} as Record<string, unknown>).memory).toBeUndefined();
  });

  it('starts done when nothing was picked', () => {
    expect(startSession([], {}, t0).phase).toBe('done');
  });

  describe('cram', () => {
    it('records a review of a card that is not due with mode cram and leaves its memory alone', () => {
      const a = makeCard('a');
      const rec: CardRecord = record(a, reviewMemory(at(20 * 86_400_000), at(-86_400_000)));
      const events: ProgressEvent[] = [];
      let s = startSession([{ card: a, mode: 'cram', kind: 'other' }], { a: rec }, t0);
      s = step(s, named('enter', 5_000), config()).state;
      expect(s.intervals).toBeNull();
      s = drive(s, [key('4', 6_000)], config(), events);
      const ev = events[0] as Extract<ProgressEvent, { type: 'review' }>;
      expect(ev.review.mode).toBe('cram');
      expect(ev.card.memory).toEqual(rec.memory);
    });

    it('reviews a crammed card that is actually due normally', () => {
      const a = makeCard('a');
      const rec = record(a, reviewMemory(at(-86_400_000), at(-6 * 86_400_000)));
      const events: ProgressEvent[] = [];
      drive(startSession([{ card: a, mode: 'cram', kind: 'due' }], { a: rec }, t0), [named('enter', 5_000), key('3', 6_000)], config(), events);
      const ev = events[0] as Extract<ProgressEvent, { type: 'review' }>;
      expect(ev.review.mode).toBe('scheduled');
      expect(ev.card.memory.reps).toBe(rec.memory.reps + 1);
      expect(ev.card.memory.due.getTime()).toBeGreaterThan(t0.getTime());
    });

    it('keeps a crammed new card new', () => {
      const events: ProgressEvent[] = [];
      drive(startSession([{ card: makeCard('n'), mode: 'cram', kind: 'new' }], {}, t0), [named('enter', 5_000), key('3', 6_000)], config(), events);
      const ev = events[0] as Extract<ProgressEvent, { type: 'review' }>;
      expect(ev.review.mode).toBe('cram');
      expect(ev.card.memory.phase).toBe('new');
    });
  });

  describe('typing mode', () => {
    const card = makeCard('k', { keyPoints: ['灰度发布', 'rollback plan'], keyPointsSource: 'section' });

    it('collects typed text, deletes whole characters, and checks key points on Enter', () => {
      const cfg = config({ typing: true });
      let s = startSession([{ card, mode: 'scheduled', kind: 'new' }], {}, t0);
      const typed = [...'我们用灰度发布x'].map((ch, i) => ({ type: 'key' as const, key: { type: 'text' as const, text: ch }, now: at(1000 + i) }));
      s = drive(s, [...typed, named('backspace', 2000), named('space', 2001)], cfg);
      expect(s.typed).toBe('我们用灰度发布 ');
      s = drive(s, [named('enter', 30_000)], cfg);
      expect(s.phase).toBe('revealed');
      expect(s.coverage!.points.map((p) => p.covered)).toEqual([true, false]);
      expect(s.suggested).toBe(2);
      const events: ProgressEvent[] = [];
      drive(s, [named('enter', 31_000)], cfg, events);
      expect((events[0] as Extract<ProgressEvent, { type: 'review' }>).review).toMatchObject({ typed: true, grade: 2 });
    });

    it('skips with Tab', () => {
      const s = drive(startSession([{ card, mode: 'scheduled', kind: 'new' }, ...scheduled('b')], {}, t0), [key('s', 100), named('tab', 200)], config({ typing: true }));
      expect(s.queue[s.position]!.card.id).toBe('b');
      expect(s.typed).toBe('');
    });
  });

  it('asks to edit the current card and takes the reloaded card back, restarting the timer on a question', () => {
    const cfg = config();
    let s = startSession(scheduled('a', 'b'), {}, t0);
    const r = step(s, key('e', 10_000), cfg);
    expect(r.effects).toEqual([{ type: 'edit', card: s.queue[0]!.card }]);
    s = r.state;
    expect(s.editing).toBe(true);
    expect(step(s, named('enter', 11_000), cfg).state.phase).toBe('question'); // keys wait while the editor is open
    const edited = makeCard('a', { contentHash: 'changed', question: 'New wording?' });
    s = step(s, { type: 'edited', card: edited, now: at(60_000) }, cfg).state;
    expect(s.editing).toBe(false);
    expect(s.queue[0]!.card.question).toBe('New wording?');
    expect(s.shownAt).toEqual(at(60_000));
    expect(s.notice).toMatch(/schedule is kept/);
    s = step(s, key('e', 61_000), cfg).state;
    s = step(s, { type: 'edited', card: null, now: at(62_000) }, cfg).state;
    expect(s.queue[s.position]!.card.id).toBe('b');
  });
});

describe('parseKeys', () => {
  it('turns raw terminal bytes into keys', () => {
    expect(parseKeys('\r')).toEqual([{ type: 'key', name: 'enter' }]);
    expect(parseKeys('\r\n')).toEqual([{ type: 'key', name: 'enter' }]);
    expect(parseKeys('\x1b[A\x1bOB\x1b[6~\x1b[1;5C3')).toEqual([
      { type: 'key', name: 'up' },
      { type: 'key', name: 'down' },
      { type: 'key', name: 'pagedown' },
      { type: 'key', name: 'other' },
      { type: 'text', text: '3' },
    ]);
    expect(parseKeys('\x1b')).toEqual([{ type: 'key', name: 'escape' }]);
    expect(parseKeys('\x03')).toEqual([{ type: 'key', name: 'ctrl-c' }]);
    expect(parseKeys('灰度 😀')).toEqual([{ type: 'text', text: '灰' }, { type: 'text', text: '度' }, { type: 'key', name: 'space' }, { type: 'text', text: '😀' }]);
    expect(parseKeys('\x7f\x01')).toEqual([{ type: 'key', name: 'backspace' }, { type: 'key', name: 'other' }]);
  });
});
