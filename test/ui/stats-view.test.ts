import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { computeStats, type Stats } from '../../src/core/stats.js';
import { emptyProgress } from '../../src/core/progress-model.js';
import { loadDeck } from '../../src/store/deck-files.js';
import { renderForecast, renderHeatmap, renderStats } from '../../src/ui/stats-view.js';
import { paint } from '../../src/ui/paint.js';
import { displayWidth } from '../../src/ui/width.js';
import { buildSampleProgress, SAMPLE_NOW } from '../fixtures/progress/sample.js';

const deck = loadDeck(new URL('../fixtures/progress/deck', import.meta.url).pathname);
const stats: Stats = computeStats(deck.cards, buildSampleProgress(deck.cards), { now: SAMPLE_NOW, timeZone: 'UTC' });
const plain = paint({ color: false });
const colour = paint({ color: true });
const render = (columns: number, c = plain) => renderStats(stats, { columns, c });

describe('renderStats', () => {
  it('renders the fixture in plain text (snapshot)', () => {
    expect(render(120).join('\n')).toMatchSnapshot();
  });

  it('renders the fixture in colour (snapshot), same text once colours are removed', () => {
    const lines = render(120, colour);
    expect(lines.join('\n')).toMatchSnapshot();
    expect(lines.some((l) => l.includes('\u001b['))).toBe(true);
    expect(lines.map((l) => stripVTControlCharacters(l))).toEqual(render(120));
  });

  it('fits a narrow terminal (snapshot), counting Chinese characters as two columns', () => {
    const lines = render(50);
    expect(lines.join('\n')).toMatchSnapshot();
    for (const line of lines) expect(displayWidth(line), line).toBeLessThanOrEqual(50);
    for (const line of render(50, colour)) expect(displayWidth(stripVTControlCharacters(line)), line).toBeLessThanOrEqual(50);
  });

  it('does not cut anything when piped (infinite width)', () => {
    const text = render(Infinity).join('\n');
    expect(text).toContain('Tell me about a time you disagreed with your manager.');
    expect(text).toContain('behavioural, conflict');
    expect(text).not.toContain('…');
  });

  it('ranks the weakest first and marks the edited answer', () => {
    const lines = render(120);
    const rows = lines.slice(2, 7);
    expect(rows[0]).toMatch(/^\s+1\s+Tell me about a time you disagreed/);
    const edited = lines.find((l) => l.includes('你为什么离开上一家公司'))!;
    expect(edited).toMatch(/\* 你为什么离开上一家公司/);
    expect(lines.some((l) => l.includes('answer edited since its last rehearsal'))).toBe(true);
    // Columns line up after a double-width question.
    expect(new Set(rows.map(displayWidth)).size).toBe(1);
  });
});

describe('renderStats: recall unknown', () => {
  /** The last two cells of a weakest-table row: RECALL and SCORE. */
  const recallAndScore = (line: string) => line.match(/\s(\S+)\s+(\S+)$/)!.slice(1);

  it('shows - in the RECALL column for a card rehearsed only in cram mode', async () => {
    const { Scheduler } = await import('../../src/core/schedule.js');
    const data = buildSampleProgress(deck.cards);
    const rehearsed = new Set(stats.weakest.map((w) => w.id));
    const card = deck.cards.find((c) => !rehearsed.has(c.id))!;
    // What drill --cram leaves for a card never scheduled: a review graded Good and a record with a new memory state.
    const at = new Date(SAMPLE_NOW.getTime() - 86_400_000);
    data.reviews.push({ seq: data.lastSeq + 1, cardId: card.id, at, grade: 3, elapsedMs: 20_000, timeLimitSec: card.timeLimitSec, mode: 'cram', typed: false, contentHash: card.contentHash });
    data.lastSeq += 1;
    data.cards[card.id] = { id: card.id, question: card.question, file: card.file, contentHash: card.contentHash, memory: new Scheduler().newMemory(at) };
    const withCram = computeStats(deck.cards, data, { now: SAMPLE_NOW, timeZone: 'UTC' });
    const row = withCram.weakest.find((w) => w.id === card.id)!;
    expect(row).toMatchObject({ retrievability: null, score: 0 });
    expect(withCram.weakest.at(-1)!.id).toBe(card.id); // answered well: not ranked as weak
    const lines = renderStats(withCram, { columns: 120, c: plain });
    expect(lines[1]).toMatch(/RECALL\s+SCORE$/);
    const rows = lines.slice(2, 2 + withCram.weakest.length);
    expect(rows.map(recallAndScore)).toEqual(withCram.weakest.map((w) => [w.id === card.id ? '-' : `${Math.round(w.retrievability! * 100)}%`, String(Math.round(w.score))]));
    expect(recallAndScore(rows.at(-1)!)).toEqual(['-', '0']);
  });

  it('shows a known recall of 0 as 0%, not -', () => {
    const zero: Stats = { ...stats, weakest: stats.weakest.map((w, i) => (i === 0 ? { ...w, retrievability: 0 } : i === 1 ? { ...w, retrievability: null } : w)) };
    const rows = renderStats(zero, { columns: 120, c: plain }).slice(2, 4);
    expect(rows.map((l) => recallAndScore(l)[0])).toEqual(['0%', '-']);
  });
});

describe('renderHeatmap', () => {
  it('reads without colour: shading characters and a legend', () => {
    const lines = renderHeatmap(stats.history, { columns: 80, c: plain });
    const grid = lines.slice(2, 9);
    expect(grid.map((l) => l.trim().slice(0, 3))).toEqual(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']);
    expect(grid.join('')).toMatch(/[░▒▓█]/);
    expect(lines[9]).toMatch(/· none {2}░ 1/);
    expect(lines[9]).toContain('reviews a day');
  });

  it('keeps the latest weeks when narrow', () => {
    const wide = renderHeatmap(stats.history, { columns: 80, c: plain });
    const narrow = renderHeatmap(stats.history, { columns: 30, c: plain });
    const cells = (l: string) => l.trim().slice(3).replace(/ /g, '').length;
    expect(cells(narrow[2]!)).toBe(12);
    expect(cells(wide[2]!)).toBe(26);
    // The newest column (this week) is the same in both.
    expect(narrow[3]!.at(-1)).toBe(wide[3]!.at(-1));
    for (const line of narrow) expect(displayWidth(line)).toBeLessThanOrEqual(30);
  });

  it('names every month whose first week is shown, even when the first week shown is the tail of the month before', () => {
    // Mondays from 2026-05-25 (the last week of May) to 2026-08-31: June starts one week in.
    const start = Date.parse('2026-05-25T00:00:00Z');
    const history = Array.from({ length: 15 * 7 }, (_, i) => ({ day: new Date(start + i * 86_400_000).toISOString().slice(0, 10), reviews: i % 3, again: 0, seconds: 0 }));
    const months = renderHeatmap(history, { columns: 100, c: plain })[1]!.trim().split(/\s+/);
    expect(months).toEqual(['Jun', 'Jul', 'Aug']);
    const fromMonday = renderHeatmap(history.slice(7), { columns: 100, c: plain })[1]!.trim().split(/\s+/);
    expect(fromMonday).toEqual(['Jun', 'Jul', 'Aug']);
    const withMay = renderHeatmap([...Array.from({ length: 21 }, (_, i) => ({ day: new Date(start - (21 - i) * 86_400_000).toISOString().slice(0, 10), reviews: 1, again: 0, seconds: 0 })), ...history], { columns: 100, c: plain })[1]!.trim().split(/\s+/);
    expect(withMay).toEqual(['May', 'Jun', 'Jul', 'Aug']);
  });

  it('shades by the busiest day: the busiest day is full, a quiet one is light', () => {
    const history = [
      { day: '2026-11-09', reviews: 8, again: 0, seconds: 0 },
      { day: '2026-11-10', reviews: 1, again: 0, seconds: 0 },
      { day: '2026-11-11', reviews: 0, again: 0, seconds: 0 },
    ];
    const lines = renderHeatmap(history, { columns: 80, c: plain });
    expect(lines.slice(2, 5).map((l) => l.trim())).toEqual(['Mon █', 'Tue ░', 'Wed ·']);
    expect(lines[9]).toContain('█ 7–8');
  });
});

describe('renderForecast', () => {
  it('draws bars proportional to the cards due', () => {
    const forecast = [
      { day: '2026-11-14', due: 10 },
      { day: '2026-11-15', due: 5 },
      { day: '2026-11-16', due: 0 },
    ];
    const lines = renderForecast(forecast, { columns: 40, c: plain });
    expect(lines[0]).toContain('15 cards');
    const bar = (l: string) => (l.match(/█+/)?.[0] ?? '').length;
    expect(bar(lines[1]!)).toBe(2 * bar(lines[2]!));
    expect(bar(lines[3]!)).toBe(0);
    expect(lines[1]).toMatch(/^ {2}today\s+█+ 10$/);
    expect(lines[2]).toMatch(/^ {2}Sun 11-15\s+█+ {2}5$/);
    for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(40);
  });
});

describe('empty data', () => {
  it('renders without crashing when nothing was rehearsed', () => {
    const empty = computeStats(deck.cards, emptyProgress(), { now: SAMPLE_NOW, timeZone: 'UTC' });
    const text = renderStats(empty, { columns: 80, c: plain }).join('\n');
    expect(text).toContain('run `prep drill`');
    expect(text).toContain('True retention   7 days - · 30 days -');
  });
});
