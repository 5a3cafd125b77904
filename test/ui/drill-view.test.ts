import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import type { Picked } from '../../src/core/pick.js';
import { Scheduler } from '../../src/core/schedule.js';
import { startSession, step, type SessionConfig, type SessionState } from '../../src/core/session.js';
import {
  clock,
  gradeBar,
  markdownLines,
  oneLineSummary,
  renderNothingDue,
  renderQuestion,
  renderReveal,
  renderSummary,
  summarize,
  timerLine,
  whenDue,
} from '../../src/ui/drill-view.js';
import { displayWidth } from '../../src/ui/width.js';
import { makeCard, section } from '../core/drill-cards.js';

const plain = new Chalk({ level: 0 });
const colour = new Chalk({ level: 1 });
const t0 = new Date('2026-11-22T10:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const ANSI = /\u001b\[[0-9;]*m/g;
const screen = { columns: 80, rows: 40, c: plain };
let seq = 0;
const config: SessionConfig = { scheduler: new Scheduler(), typing: false, timeZone: 'UTC', nextSeq: () => ++seq };

function revealed(card = makeCard('a'), elapsedMs = 30_000, cfg: SessionConfig = config): SessionState {
  const picked: Picked[] = [{ card, mode: 'scheduled', kind: 'new' }];
  return step(startSession(picked, {}, t0), { type: 'key', key: { type: 'key', name: 'enter' }, now: at(elapsedMs) }, cfg).state;
}

describe('timer line', () => {
  it('counts down within the limit', () => {
    const line = timerLine(42_000, 90, 80, plain);
    expect(line).toContain('0:42 / 1:30');
    expect(line).toContain('0:48 left');
    expect(line).not.toContain('over');
  });

  it('shows overtime in red past the limit', () => {
    const line = timerLine(102_000, 90, 80, colour);
    expect(line.replace(ANSI, '')).toContain('+0:12 over time');
    expect(line).toContain('\u001b[31m');
  });

  it('fits a narrow terminal', () => {
    expect(displayWidth(timerLine(10_000, 90, 30, plain))).toBeLessThanOrEqual(30);
  });

  it('formats clock time', () => {
    expect(clock(0)).toBe('0:00');
    expect(clock(75_999)).toBe('1:15');
    expect(clock(3_600_000)).toBe('60:00');
  });
});

describe('question screen', () => {
  it('shows the question with tags, company and limit, and says where the timer line is', () => {
    const card = makeCard('q', { question: 'Why Acme?', tags: ['motivation'], company: 'Acme', timeLimitSec: 90 });
    const state = step(startSession([{ card, mode: 'scheduled', kind: 'new' }], {}, t0), { type: 'tick', now: at(5_000) }, config).state;
    const frame = renderQuestion(state, config, screen);
    const text = frame.lines.join('\n');
    expect(text).toContain('Why Acme?');
    expect(text).toMatch(/#motivation {2}@ Acme {2}limit 1m30s/);
    expect(text).toContain('1/1 · new');
    expect(frame.lines[frame.timerRow!]).toContain('0:05 / 1:30');
    expect(text).toContain('Enter or Space to reveal');
  });

  it('neutralises control characters in card text', () => {
    const card = makeCard('evil', { question: 'Hi\u001b[2J\u001b]0;pwned\u0007?' });
    const text = renderQuestion(startSession([{ card, mode: 'scheduled', kind: 'new' }], {}, t0), config, screen).lines.join('\n');
    expect(text).not.toContain('\u001b');
    expect(text).toContain('^[[2J');
  });

  it('wraps a long Chinese question within the width', () => {
    const card = makeCard('zh', { question: '銜接考卷題目,如果 MQ 和 API Server 之間的網路也中斷了,你會怎麼處理?'.repeat(2) });
    const lines = renderQuestion(startSession([{ card, mode: 'scheduled', kind: 'new' }], {}, t0), config, { ...screen, columns: 40 }).lines;
    for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(40);
  });

  it('in typing mode shows what was typed', () => {
    const cfg = { ...config, typing: true };
    let state = startSession([{ card: makeCard('t'), mode: 'scheduled', kind: 'new' }], {}, t0);
    for (const ch of '灰度发布') state = step(state, { type: 'key', key: { type: 'text', text: ch }, now: at(1000) }, cfg).state;
    expect(renderQuestion(state, cfg, screen).lines.join('\n')).toContain('> 灰度发布▌');
  });
});

describe('reveal screen', () => {
  const card = makeCard('r', {
    timeLimitSec: 60,
    keyPoints: ['Recover lost revenue', 'Survey email via Kafka'],
    keyPointsSource: 'section',
    sections: {
      full: section('The long story with every detail.', 160, 10),
      short: section('* **Situation:** pandemic downturn\n* Result: sales +30%', 45, 20),
      notes: section('Say the number slowly.', 3, 30),
    },
  });

  it('shows key points first, then the version that fits the limit, then notes, then the grade bar', () => {
    const lines = renderReveal(revealed(card, 50_000), config, screen).lines;
    const text = lines.join('\n');
    const order = ['KEY POINTS', 'Recover lost revenue', 'SHORT VERSION', 'Situation: pandemic downturn', 'NOTES', 'Say the number slowly', '1 Again'];
    const positions = order.map((s) => text.indexOf(s));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(text).toContain('the full version, ~2m40s, would overrun');
    expect(text).not.toContain('The long story');
    expect(text).toContain('Took 0:50 of 1:00: within time');
    for (const cell of [/1 Again <?\d+[mhd]/, /2 Hard <?\d+[mhd]/, /\[3 Good \d+[mhd]\]/, /4 Easy \d+[mhd]/]) expect(text).toMatch(cell);
    expect(text).toContain('Enter = Good (suggested: within time)');
  });

  it('reports overtime and suggests Hard', () => {
    const text = renderReveal(revealed(card, 75_000), config, screen).lines.join('\n');
    expect(text).toContain('Took 1:15 of 1:00: 15s over time');
    expect(text).toContain('Enter = Hard (suggested: over time)');
  });

  it('shows which key points a typed answer covered', () => {
    const cfg = { ...config, typing: true };
    let state = startSession([{ card, mode: 'scheduled', kind: 'new' }], {}, t0);
    for (const ch of 'we had to recover lost revenue') state = step(state, { type: 'key', key: ch === ' ' ? { type: 'key', name: 'space' } : { type: 'text', text: ch }, now: at(1000) }, cfg).state;
    state = step(state, { type: 'key', key: { type: 'key', name: 'enter' }, now: at(20_000) }, cfg).state;
    const text = renderReveal(state, cfg, screen).lines.join('\n');
    expect(text).toContain('KEY POINTS · 1 of 2 covered');
    expect(text).toMatch(/✓ Recover lost revenue/);
    expect(text).toMatch(/✗ Survey email via Kafka/);
    expect(text).toContain('YOU TYPED');
    expect(text).toContain('Enter = Hard (suggested: 1/2 key points, within time)');
  });

  it('fits the terminal height, keeping the grade bar, and scrolls the answer', () => {
    const long = makeCard('long', { sections: { answer: section(Array.from({ length: 80 }, (_, i) => `line ${i}`).join('\n'), 60) } });
    let state = revealed(long);
    const first = renderReveal(state, config, { ...screen, rows: 24 });
    expect(first.lines.length).toBeLessThanOrEqual(24);
    expect(first.lines.join('\n')).toMatch(/↓ \d+ more lines/);
    expect(first.lines.join('\n')).toContain('line 0');
    expect(first.lines.join('\n')).toContain('1 Again');
    expect(first.maxScroll).toBeGreaterThan(50);
    state = step(state, { type: 'layout', maxScroll: first.maxScroll, now: at(31_000) }, config).state;
    for (let i = 0; i < 3; i++) state = step(state, { type: 'key', key: { type: 'key', name: 'pagedown' }, now: at(32_000) }, config).state;
    state = step(state, { type: 'key', key: { type: 'text', text: 'k' }, now: at(32_000) }, config).state;
    expect(state.scroll).toBe(29);
    const scrolled = renderReveal(state, config, { ...screen, rows: 24 }).lines.join('\n');
    expect(scrolled).toMatch(/↑ 29 more lines above/);
    expect(scrolled).not.toContain('line 0\n');
    expect(scrolled).toContain('line 28');
    expect(scrolled).toContain('1 Again');
    // Never past the end.
    for (let i = 0; i < 20; i++) state = step(state, { type: 'key', key: { type: 'key', name: 'down' }, now: at(33_000) }, config).state;
    expect(state.scroll).toBeLessThanOrEqual(first.maxScroll);
  });
});

describe('grade bar', () => {
  it('highlights the suggested grade and shows each interval', () => {
    const [bar, hint] = gradeBar({ 1: '1m', 2: '6m', 3: '1d', 4: '4d' }, 3, 'within time', 80, plain);
    expect(bar).toContain('1 Again 1m');
    expect(bar).toContain('4 Easy 4d');
    expect(hint).toContain('Enter = Good');
    expect(bar).toContain('[3 Good 1d]');
  });

  it('in cram says the schedule is kept instead of intervals', () => {
    const lines = gradeBar(null, 2, 'over time', 80, plain).join('\n');
    expect(lines).toContain('1 Again ');
    expect(lines).not.toMatch(/\d+[mdh]\b/);
    expect(lines).toContain('the schedule is kept');
    expect(lines).toContain('[2 Hard]'); // marked without colour too
  });
});

describe('markdown for the terminal', () => {
  it('does not count ** towards the width, and a bold phrase broken across lines is bold on both', () => {
    const text = '我们在上线新的支付系统时，采用了**灰度发布的方式和自动回滚脚本**，先把百分之五的流量切到新系统';
    const lines = markdownLines(text, 24, colour);
    const plainLines = lines.map((l) => l.replace(ANSI, ''));
    expect(plainLines.join('').replace(/\s/g, '')).toBe(text.replace(/\*\*/g, ''));
    for (const line of plainLines) expect(displayWidth(line), line).toBeLessThanOrEqual(24);
    for (const line of plainLines) expect(line).not.toMatch(/^\s*，/u);
    expect(displayWidth(plainLines[1]!)).toBe(24); // 2 indent + 11 characters: the markers took no room
    const boldLines = lines.filter((l) => l.includes('\u001b[1m'));
    expect(boldLines.length).toBe(2);
    expect(boldLines.map((l) => l.replace(ANSI, '')).join('')).toContain('灰度');
  });

  it('drops comments and rules, shows bullets and bold, keeps the hanging indent', () => {
    const lines = markdownLines('<!-- hidden -->\n***\n- **Bold** point that is long enough to wrap onto the next line here', 40, plain);
    expect(lines.join('\n')).not.toContain('hidden');
    expect(lines[0]).toMatch(/^ {2}• Bold point/);
    expect(lines[1]).toMatch(/^ {4}\S/);
  });
});

describe('summaries', () => {
  it('summarises a finished session with grades and the next due time', () => {
    let state = revealed(makeCard('s'), 30_000);
    state = step(state, { type: 'key', key: { type: 'text', text: '3' }, now: at(31_000) }, config).state;
    state = step(state, { type: 'persisted', now: at(95_000) }, config).state;
    const summary = summarize(state, at(3_600_000));
    expect(summary.graded).toBe(1);
    const lines = renderSummary(summary, at(95_000), plain, 'UTC');
    expect(lines.join('\n')).toContain('1 card graded in 1m35s');
    expect(lines.join('\n')).toContain('Good 1');
    expect(lines.join('\n')).toContain('Next card due in 58m (11:00)');
    expect(oneLineSummary({ ...summary, ended: 'interrupted' }, at(95_000), 'UTC')).toBe('Stopped: 1 grade saved in 1m35s. Next card due in 58m (11:00).');
  });

  it('counts cards, not grades, and says how many grades when a card came back for a learning step', () => {
    let state = revealed(makeCard('s'), 30_000);
    state = step(state, { type: 'key', key: { type: 'text', text: '3' }, now: at(31_000) }, config).state;
    state = step(state, { type: 'persisted', now: at(31_000) }, config).state;
    // Good on a new card: it comes back for a learning step and is graded again.
    state = step(state, { type: 'key', key: { type: 'key', name: 'enter' }, now: at(60_000) }, config).state;
    state = step(state, { type: 'key', key: { type: 'text', text: '3' }, now: at(61_000) }, config).state;
    state = step(state, { type: 'persisted', now: at(95_000) }, config).state;
    const summary = summarize(state, null, true);
    expect([summary.cards, summary.graded]).toEqual([1, 2]);
    const text = renderSummary(summary, at(95_000), plain, 'UTC').join('\n');
    expect(text).toContain('1 card graded (2 grades) in 1m35s');
    // with --tag or --company, "next card" is the next matching one
    expect(text).toContain('No card matching --tag/--company is scheduled yet');
  });

  it('when nothing is due, says when the next card is and how to cram', () => {
    const lines = renderNothingDue({ matching: 5, toPrepare: 0, newHeldBack: 3, dueHeldBack: 0, newPerDay: 10, reviewsPerDay: 100, nextDue: at(2 * 86_400_000), filtered: false }, t0, plain, 'UTC');
    const text = lines.join('\n');
    expect(text).toContain('Nothing is due right now');
    expect(text).toContain('3 new cards wait for tomorrow');
    expect(text).toContain('--new 20');
    expect(text).toContain('The next card is due in 2d (Tue 24 Nov)');
    expect(text).toContain('prep drill --cram');
  });

  it('formats due times in the given zone', () => {
    expect(whenDue(t0, at(3 * 3600_000), 'Asia/Shanghai')).toBe('in 3h (21:00)');
  });
});

describe('"Next card due" in the machine\'s own zone', () => {
  it('reads the same as the Intl label for that zone, across a year, in several zones', () => {
    const saved = process.env.TZ;
    try {
      for (const zone of ['UTC', 'Asia/Shanghai', 'America/New_York', 'Pacific/Chatham', 'Europe/London']) {
        process.env.TZ = zone; // node re-reads the zone for Date's local fields
        const now = new Date('2026-01-01T09:30:00Z');
        for (let hours = 1; hours < 24 * 400; hours += 37) {
          const due = new Date(now.getTime() + hours * 3600_000 + 7 * 60_000);
          expect(whenDue(now, due), `${zone}, due ${due.toISOString()}`).toBe(whenDue(now, due, zone));
        }
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});

describe('header', () => {
  // A grade, then its review on disk (drill sends `persisted` once the journal line is fsynced).
  const gradeKey = (state: SessionState, key: string, ms: number) =>
    step(step(state, { type: 'key', key: { type: 'text', text: key }, now: at(ms) }, config).state, { type: 'persisted', now: at(ms) }, config).state;
  const headerOf = (state: SessionState) => renderQuestion(state, config, screen).lines[0]!;

  it('a card back for a learning step says so, not "again" (a grade: Good on a new card brings it back too)', () => {
    const state = gradeKey(revealed(makeCard('a'), 30_000), '3', 31_000);
    expect(headerOf(state)).toBe('prep drill · 2/2 · learning step');
  });

  it('a crammed card graded Again comes back "once more"', () => {
    let state = startSession([{ card: makeCard('a'), mode: 'cram', kind: 'new' }], {}, t0);
    expect(headerOf(state)).toBe('prep drill · 1/1 · cram · new');
    state = step(state, { type: 'key', key: { type: 'key', name: 'enter' }, now: at(30_000) }, config).state;
    state = gradeKey(state, '1', 31_000);
    expect(headerOf(state)).toBe('prep drill · 2/2 · cram · once more');
  });
});

describe('instructions in a narrow terminal', () => {
  it('wrap instead of being cut off, on the question and under the grade bar', () => {
    const narrow = { columns: 36, rows: 40, c: plain };
    const question = renderQuestion(startSession([{ card: makeCard('a'), mode: 'scheduled', kind: 'new' }], {}, t0), config, narrow).lines;
    for (const line of question) expect(displayWidth(line), line).toBeLessThanOrEqual(36);
    const text = question.map((l) => l.trim()).join(' ');
    expect(text).toContain('Say your answer out loud, then press Enter or Space to reveal.');
    expect(text).toContain('q quit');
    const cram = gradeBar(null, 3, 'within the time limit', 36, plain);
    for (const line of cram) expect(displayWidth(line), line).toBeLessThanOrEqual(36);
    const text2 = cram.map((l) => l.trim()).join(' ');
    expect(text2).toContain('Enter = Good (suggested: within the time limit); you decide');
    expect(text2).toContain('cram: this review is recorded, the schedule is kept');
    // the grades themselves go on two rows rather than past the edge
    const bar = gradeBar({ 1: '1m', 2: '6m', 3: '10m', 4: '7d' }, 3, 'within time', 36, plain);
    for (const line of bar) expect(displayWidth(line), line).toBeLessThanOrEqual(36);
    expect(bar.slice(0, 2).join(' ')).toMatch(/1 Again 1m .*2 Hard 6m .*\[3 Good 10m\] .*4 Easy 7d/);
  });
});
