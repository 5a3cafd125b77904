import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findSimilarQuestion, questionSimilarity, SIMILAR_QUESTION_THRESHOLD } from '../../src/core/similarity.js';

describe('questionSimilarity', () => {
  it('is 1 for the same question written differently', () => {
    expect(questionSimilarity('Why us?', '1. why  US')).toBe(1);
    expect(questionSimilarity('你为什么离职？', '你为什么离职?')).toBe(1);
  });

  it('is high for a typo fixed and low for a different question', () => {
    expect(questionSimilarity('What is your greatest weakness?', 'What is your greatest weaknes?')).toBeGreaterThanOrEqual(SIMILAR_QUESTION_THRESHOLD);
    expect(questionSimilarity('What is your greatest weakness?', 'What is your greatest strength?')).toBeLessThan(SIMILAR_QUESTION_THRESHOLD);
    expect(questionSimilarity('Why us?', 'Tell me about a conflict.')).toBeLessThan(0.3);
  });

  it('is 0 when a question has fewer than two characters left', () => {
    expect(questionSimilarity('?', 'Why us?')).toBe(0);
  });

  it('is symmetric and between 0 and 1', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const ab = questionSimilarity(a, b);
        expect(ab).toBeGreaterThanOrEqual(0);
        expect(ab).toBeLessThanOrEqual(1);
        expect(questionSimilarity(b, a)).toBeCloseTo(ab, 10);
      }),
    );
  });
});

describe('findSimilarQuestion', () => {
  const deck = [{ question: 'Why do you want to work here?' }, { question: 'What is your greatest weakness?' }, { question: '你为什么离开上一家公司？' }];

  it('finds the closest question above the threshold', () => {
    expect(findSimilarQuestion('Why do you want to work here', deck)).toEqual({ match: deck[0], similarity: 1 });
    expect(findSimilarQuestion('你为什么离开上一家公司', deck)?.match).toBe(deck[2]);
  });

  it('finds nothing for a new question', () => {
    expect(findSimilarQuestion('Describe a system you designed.', deck)).toBeUndefined();
    expect(findSimilarQuestion('Why us?', [])).toBeUndefined();
  });
});
