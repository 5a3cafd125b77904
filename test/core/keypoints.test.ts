import { describe, expect, it } from 'vitest';
import { checkKeyPoints, suggestFromCoverage, terms } from '../../src/core/keypoints.js';

describe('terms', () => {
  it('is case- and punctuation-insensitive and drops function words', () => {
    expect(terms('The **Canary** Release!')).toEqual(terms('canary, release'));
    expect(terms('the of and')).toEqual([]);
  });

  it('turns CJK runs into character bigrams, not dictionary words', () => {
    expect(terms('灰度发布')).toEqual(['灰度', '度发', '发布']);
    expect(terms('稳')).toEqual(['稳']);
    expect(terms('用 Kafka 异步')).toEqual(['用', 'kafka', '异步']);
  });

  it('folds full-width letters (NFKC)', () => {
    expect(terms('ＫＡＦＫＡ')).toEqual(['kafka']);
  });
});

describe('checkKeyPoints', () => {
  it('finds a Chinese term inside a longer typed sentence', () => {
    const result = checkKeyPoints(['灰度发布', '回滚方案'], '我们先用灰度发布上线，观察指标');
    expect(result.points.map((p) => p.covered)).toEqual([true, false]);
    expect(result.covered).toBe(1);
    expect(result.suggested).toBe(2);
  });

  it('matches regardless of case, punctuation and plural forms', () => {
    const result = checkKeyPoints(['**Asynchronous** email sending via Kafka', 'Email templates'], 'we used kafka for asynchronous sending of emails; I designed five TEMPLATES.');
    expect(result.points.every((p) => p.covered)).toBe(true);
    expect(result.suggested).toBe(3);
  });

  it('needs every term of a short point and half the terms of a long one', () => {
    expect(checkKeyPoints(['canary release'], 'a canary deployment').points[0]!.covered).toBe(false);
    const long = 'My career goal: learn cutting edge technology at a leading e-commerce company';
    expect(checkKeyPoints([long], 'My goal is to learn cutting-edge technology in e-commerce').points[0]!.covered).toBe(true);
    expect(checkKeyPoints([long], 'I want to learn technology').points[0]!.covered).toBe(false);
  });

  it('suggests nothing for a card without key points, Again for an empty answer', () => {
    expect(checkKeyPoints([], 'anything').suggested).toBeUndefined();
    expect(checkKeyPoints(['做事放心', '做人良心'], '').suggested).toBe(1);
  });

  it('maps coverage to a grade', () => {
    expect(suggestFromCoverage(4, 4)).toBe(3);
    expect(suggestFromCoverage(2, 4)).toBe(2);
    expect(suggestFromCoverage(1, 4)).toBe(1);
  });
});
