import { describe, expect, it } from 'vitest';
import { orphanHistoryProblems } from '../../src/core/history-problems.js';
import { applyEvent, emptyProgress } from '../../src/core/progress-model.js';
import { card as storedCard, reviewEvent } from '../store/progress-fixtures.js';
import { makeCard } from './drill-cards.js';

const NOW = new Date('2026-11-20T10:00:00Z');

function historyOf(...events: ReturnType<typeof reviewEvent>[]) {
  const data = emptyProgress();
  for (const e of events) applyEvent(data, e);
  return data;
}

describe('orphanHistoryProblems', () => {
  it('says nothing when every history has its card', () => {
    const data = historyOf(reviewEvent(1, 'why', NOW));
    expect(orphanHistoryProblems([makeCard('why')], data, '../.prep/progress.json')).toEqual([]);
  });

  it('warns about history whose card is gone, with its review count, and that it is kept', () => {
    const data = historyOf(reviewEvent(1, 'gone', NOW), reviewEvent(2, 'gone', NOW));
    const [problem, ...rest] = orphanHistoryProblems([makeCard('why')], data, '../.prep/progress.json');
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ file: '../.prep/progress.json', line: 1, severity: 'warning' });
    expect(problem!.message).toMatch(/^history of card "gone" \(2 reviews; .*belongs to no card in the deck; it is kept/);
  });

  it('names the card the next drill reattaches the history to when the question matches', () => {
    const event = reviewEvent(1, 'old-id', NOW);
    if (event.type === 'review') event.card = storedCard('old-id', NOW, { question: 'Why this company?' });
    const [problem] = orphanHistoryProblems([makeCard('why', { question: 'Why this company?' })], historyOf(event), 'progress.json');
    expect(problem!.message).toMatch(/reattaches it to card "why", which has the same question$/);
  });

  it('says so when the history goes to the one new card of its file (an id added, the question changed too)', () => {
    const event = reviewEvent(1, 'career', NOW);
    if (event.type === 'review') event.card = storedCard('career', NOW, { question: 'Career plan?', file: 'career.md' });
    const [problem] = orphanHistoryProblems([makeCard('career-plan', { question: 'Where in five years?', file: 'career.md' })], historyOf(event), 'progress.json');
    expect(problem!.message).toMatch(/reattaches it to card "career-plan", now the only card in career\.md$/);
  });
});
