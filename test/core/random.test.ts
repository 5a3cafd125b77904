import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/core/random.js';

describe('seededRandom', () => {
  it('repeats its numbers for the same seed and differs for another', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const c = seededRandom(8);
    const first = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(first);
    expect([c(), c(), c()]).not.toEqual(first);
  });

  it('gives mulberry32 numbers in [0, 1)', () => {
    const next = seededRandom(1);
    expect(next()).toBeCloseTo(0.6270739405881613, 15);
    for (let i = 0; i < 1000; i++) {
      const x = next();
      expect(x >= 0 && x < 1).toBe(true);
    }
  });
});
