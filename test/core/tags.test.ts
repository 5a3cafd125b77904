import { describe, expect, it } from 'vitest';
import { splitTagList, tagsByUse } from '../../src/core/tags.js';

describe('splitTagList', () => {
  it('splits on ASCII and Chinese commas and 、, across repeated flags', () => {
    expect(splitTagList(['behavioural, leadership', '行为，领导力、沟通'])).toEqual(['behavioural', 'leadership', '行为', '领导力', '沟通']);
  });

  it('keeps the first spelling of a tag and drops empty parts', () => {
    expect(splitTagList(['STAR', ' star ', 'System Design,system_design', ', ,'])).toEqual(['STAR', 'System Design']);
  });

  it('turns control characters into spaces', () => {
    expect(splitTagList(['a\u001b[2Jb\tc'])).toEqual(['a [2Jb c']);
  });
});

describe('tagsByUse', () => {
  it('orders by use, then alphabetically', () => {
    const cards = [{ tags: ['technical', 'behavioural'] }, { tags: ['behavioural'] }, { tags: ['culture', 'technical'] }, { tags: ['behavioural'] }];
    expect(tagsByUse(cards)).toEqual(['behavioural', 'technical', 'culture']);
  });

  it('counts spellings of one tag together and offers the spelling used most', () => {
    const cards = [{ tags: ['Behavioural'] }, { tags: ['behavioural'] }, { tags: ['behavioural'] }, { tags: ['STAR'] }];
    expect(tagsByUse(cards)).toEqual(['behavioural', 'STAR']);
  });

  it('is empty for a deck without tags', () => {
    expect(tagsByUse([{ tags: [] }])).toEqual([]);
  });
});
