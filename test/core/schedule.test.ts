import { describe, expect, it } from 'vitest';
import { formatInterval, parseRetention, recallProbability, Scheduler } from '../../src/core/schedule.js';

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

describe('retrievability and recallProbability', () => {
  // ts-fsrs is imported here only as the reference the fast paths must agree with.
  const memories = () => {
    const s = new Scheduler();
    const out = [];
    let memory = s.newMemory(now);
    let at = now;
    for (const grade of [3, 3, 1, 2, 3, 4, 3, 1, 3, 3] as const) {
      memory = s.grade(memory, grade, at);
      out.push(memory);
      at = new Date(memory.due.getTime() + 3_600_000);
    }
    return out;
  };

  it('Scheduler.retrievability is exactly ts-fsrs get_retrievability, also with the last review in the future', async () => {
    const { fsrs, generatorParameters } = await import('ts-fsrs');
    for (const retention of [0.7, 0.9, 0.97]) {
      const s = new Scheduler(retention);
      const engine = fsrs(generatorParameters({ request_retention: retention, enable_fuzz: true, enable_short_term: true }));
      for (const memory of memories()) {
        for (const offsetDays of [-3, -0.5, 0, 0.2, 1, 1.99, 7, 45, 400]) {
          const at = new Date(memory.lastReview!.getTime() + offsetDays * 86_400_000);
          const card = { due: memory.due, stability: memory.stability, difficulty: memory.difficulty, elapsed_days: 0, scheduled_days: memory.scheduledDays, learning_steps: memory.learningSteps, reps: memory.reps, lapses: memory.lapses, state: ({ new: 0, learning: 1, review: 2, relearning: 3 } as const)[memory.phase], last_review: memory.lastReview!.getTime() > at.getTime() ? at : memory.lastReview! };
          expect(s.retrievability(memory, at)).toBe(engine.get_retrievability(card, at, false));
        }
      }
    }
  });

  it('recallProbability(whole days, stability) equals Scheduler.retrievability', () => {
    const s = new Scheduler();
    for (const memory of memories()) {
      for (const days of [0, 1, 2, 10, 100]) {
        const at = new Date(memory.lastReview!.getTime() + days * 86_400_000 + 60_000);
        expect(recallProbability(days, memory.stability)).toBeCloseTo(s.retrievability(memory, at), 7);
      }
    }
    expect(recallProbability(0, 5)).toBe(1);
    expect(recallProbability(10, 5)).toBeLessThan(recallProbability(1, 5));
  });

  it('recallProbability is exactly ts-fsrs forgetting_curve with the default weights', async () => {
    const { forgetting_curve, generatorParameters } = await import('ts-fsrs');
    const { w } = generatorParameters();
    for (const stability of [0.001, 0.1, 0.4, 1, 2.5, 3.17349, 10, 33.3, 100, 365.25, 36500]) {
      for (let days = 0; days <= 2000; days += days < 40 ? 1 : 37) {
        expect(recallProbability(days, stability)).toBe(forgetting_curve(w, days, stability));
      }
    }
  });
});
