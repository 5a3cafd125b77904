import { describe, expect, it } from 'vitest';
import { formatInterval, parseRetention, Scheduler } from '../../src/core/schedule.js';

const now = new Date('2026-11-22T10:00:00Z');

describe('Scheduler', () => {
  it('gives a new card longer intervals for better grades', () => {
    const s = new Scheduler();
    const preview = s.preview(s.newMemory(now), now);
    const due = [1, 2, 3, 4].map((g) => preview[g as 1 | 2 | 3 | 4].due.getTime());
    expect(due).toEqual([...due].sort((a, b) => a - b));
    expect(due[0]).toBeLessThan(due[3]!);
    expect(preview[4].phase).toBe('review');
  });

  it('lowers retrievability as time passes after a review', () => {
    const s = new Scheduler();
    let memory = s.grade(s.newMemory(now), 3, now);
    memory = s.grade(memory, 3, memory.due);
    const soon = s.retrievability(memory, new Date(memory.due.getTime() - 86_400_000));
    const late = s.retrievability(memory, new Date(memory.due.getTime() + 30 * 86_400_000));
    expect(soon).toBeGreaterThan(late);
    expect(s.retrievability(s.newMemory(now), now)).toBe(0);
  });

  it('counts a lapse when a review card is forgotten', () => {
    const s = new Scheduler();
    let memory = s.grade(s.newMemory(now), 4, now);
    memory = s.grade(memory, 1, memory.due);
    expect(memory.lapses).toBe(1);
    expect(memory.phase).toBe('relearning');
  });
});

describe('formatInterval', () => {
  it.each([
    [30_000, '<1m'],
    [10 * 60_000, '10m'],
    [3 * 3600_000, '3h'],
    [4 * 86_400_000, '4d'],
    [60 * 86_400_000, '2mo'],
    [500 * 86_400_000, '1.4y'],
  ])('%i ms → %s', (ms, label) => {
    expect(formatInterval(now, new Date(now.getTime() + ms))).toBe(label);
  });
});

describe('parseRetention', () => {
  it('accepts 0.7–0.99 and refuses the rest', () => {
    expect(parseRetention(undefined)).toBe(0.9);
    expect(parseRetention('0.85')).toBe(0.85);
    expect(() => parseRetention('1.5')).toThrow(/0.7 to 0.99/);
    expect(() => parseRetention('abc')).toThrow(/0.7 to 0.99/);
  });
});
