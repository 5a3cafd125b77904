/** Builders for progress events in tests. */
import type { CardRecord, Grade, ProgressEvent, Review } from '../../src/core/progress-model.js';

export function card(id: string, at: Date, overrides: Partial<CardRecord> = {}): CardRecord {
  return {
    id,
    question: `Question ${id}?`,
    file: `${id}.md`,
    contentHash: `hash-${id}`,
    memory: { phase: 'review', due: new Date(at.getTime() + 86_400_000), stability: 2.5, difficulty: 5.1, reps: 1, lapses: 0, learningSteps: 0, scheduledDays: 1, lastReview: at },
    ...overrides,
  };
}

export function reviewEvent(seq: number, cardId: string, at: Date, grade: Grade = 3): ProgressEvent {
  const review: Review = { seq, cardId, at, grade, elapsedMs: 42_000, timeLimitSec: 90, mode: 'scheduled', typed: false, contentHash: `hash-${cardId}` };
  return { type: 'review', review, card: card(cardId, at) };
}
