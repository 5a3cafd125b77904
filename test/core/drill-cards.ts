/** Cards and progress records for drill tests, built in code (no parser involved). */
import type { Card, Section } from '../../src/core/card.js';
import { emptyProgress, type CardRecord, type MemoryState, type ProgressData, type Review } from '../../src/core/progress-model.js';

const section = (markdown: string, spokenSec: number, line = 3): Section => ({ markdown, line, spokenSec });

export function makeCard(id: string, extra: Partial<Card> = {}): Card {
  return {
    id,
    idSource: 'front-matter',
    question: `Question ${id}?`,
    tags: ['behavioural'],
    company: null,
    timeLimitSec: 120,
    timeLimitSource: 'tag',
    file: `${id}.md`,
    line: 1,
    sections: { answer: section(`The answer to ${id}.`, 40) },
    keyPoints: [],
    keyPointsSource: 'none',
    followUps: [],
    contentHash: `hash-${id}`,
    ...extra,
  };
}

export { section };

export function reviewMemory(due: Date, lastReview: Date, extra: Partial<MemoryState> = {}): MemoryState {
  return { phase: 'review', due, stability: 5, difficulty: 5, reps: 3, lapses: 0, learningSteps: 0, scheduledDays: 5, lastReview, ...extra };
}

export function record(card: Card, memory: MemoryState): CardRecord {
  return { id: card.id, question: card.question, file: card.file, contentHash: card.contentHash, memory };
}

export function progressWith(records: CardRecord[], reviews: Review[] = []): ProgressData {
  const data = emptyProgress();
  for (const r of records) data.cards[r.id] = r;
  data.reviews.push(...reviews);
  data.lastSeq = reviews.reduce((m, r) => Math.max(m, r.seq), 0);
  return data;
}

let seq = 1000;
export function review(cardId: string, at: Date, extra: Partial<Review> = {}): Review {
  return { seq: seq++, cardId, at, grade: 3, elapsedMs: 30_000, timeLimitSec: 120, mode: 'scheduled', typed: false, contentHash: `hash-${cardId}`, ...extra };
}
