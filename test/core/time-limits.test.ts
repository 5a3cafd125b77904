import { describe, expect, it } from 'vitest';
import { DEFAULT_TIME_LIMIT_SEC, defaultTimeLimit, normalizeTag } from '../../src/core/time-limits.js';

describe('defaultTimeLimit', () => {
  it.each([
    [['behavioural'], 120],
    [['behavioral'], 120],
    [['motivation'], 90],
    [['strengths'], 90],
    [['technical'], 180],
    [['system-design'], 300],
    [['System Design'], 300],
    [['system_design'], 300],
    [['BEHAVIOURAL'], 120],
  ])('%j → %i seconds', (tags, seconds) => {
    expect(defaultTimeLimit(tags)).toEqual({ seconds, fromTag: true });
  });

  it('takes the longest limit among the tags', () => {
    expect(defaultTimeLimit(['motivation', 'system-design', 'behavioural']).seconds).toBe(300);
  });

  it('is 2 minutes, not from a tag, without a known tag', () => {
    expect(defaultTimeLimit([])).toEqual({ seconds: DEFAULT_TIME_LIMIT_SEC, fromTag: false });
    expect(defaultTimeLimit(['buyandship', '中文'])).toEqual({ seconds: 120, fromTag: false });
  });
});

it('normalizeTag folds case, width, spaces and underscores', () => {
  expect(normalizeTag(' System  Design ')).toBe('system-design');
  expect(normalizeTag('system_design')).toBe('system-design');
  expect(normalizeTag('ＳＴＡＲ')).toBe('star');
});
