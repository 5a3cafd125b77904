import { describe, expect, it } from 'vitest';
import { combineSuggestions, overtimeMs, suggestFromTime } from '../../src/core/timing.js';

describe('suggestFromTime', () => {
  it('suggests Good within the limit, at most Hard over it, Again at twice the limit', () => {
    expect(suggestFromTime(0, 90)).toBe(3);
    expect(suggestFromTime(90_000, 90)).toBe(3);
    expect(suggestFromTime(90_001, 90)).toBe(2);
    expect(suggestFromTime(179_999, 90)).toBe(2);
    expect(suggestFromTime(180_000, 90)).toBe(1);
  });

  it('never suggests more than Hard when over time, whatever the key points say', () => {
    expect(combineSuggestions(suggestFromTime(100_000, 90), 3)).toBe(2);
    expect(combineSuggestions(suggestFromTime(10_000, 90), 1)).toBe(1);
    expect(combineSuggestions(suggestFromTime(10_000, 90), undefined)).toBe(3);
    expect(combineSuggestions()).toBe(3);
  });

  it('measures overtime', () => {
    expect(overtimeMs(95_000, 90)).toBe(5_000);
    expect(overtimeMs(5_000, 90)).toBe(0);
  });
});
