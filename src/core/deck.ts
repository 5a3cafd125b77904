/** A deck: the cards of every answer file, checked against each other. Pure. */
import type { Problem } from '../markdown/parse.js';
import { isToPrepare, shortestSpokenSec, type Card } from './card.js';
import { formatDuration, normalizeQuestion } from './text.js';
import { normalizeTag } from './time-limits.js';

export interface Deck {
  cards: Card[];
  problems: Problem[];
  /** Number of answer files read. */
  files: number;
}

/** Joins per-file results: the first card with an id keeps it; later ones are reported and left out. */
export function assembleDeck(files: ReadonlyArray<{ cards: Card[]; problems: Problem[] }>): Deck {
  const problems: Problem[] = files.flatMap((f) => f.problems);
  const cards: Card[] = [];
  const byId = new Map<string, Card>();
  const byQuestion = new Map<string, Card>();

  for (const card of files.flatMap((f) => f.cards)) {
    const clash = byId.get(card.id);
    if (clash) {
      problems.push({
        file: card.file,
        line: card.line,
        severity: 'error',
        message: `id "${card.id}" is already used by ${clash.file}:${clash.line}; give this question a different \`id:\` (this card was not loaded)`,
      });
      continue;
    }
    byId.set(card.id, card);
    cards.push(card);

    const key = normalizeQuestion(card.question);
    const twin = byQuestion.get(key);
    if (twin && key !== '') {
      problems.push({
        file: card.file,
        line: card.line,
        severity: 'warning',
        message: `same question as ${twin.file}:${twin.line}; merge the two answers or reword one question`,
      });
    } else {
      byQuestion.set(key, card);
    }

    if (isToPrepare(card)) {
      problems.push({ file: card.file, line: card.line, severity: 'warning', message: 'no answer yet, so this card is "to prepare"; write the answer under the question' });
    } else {
      const shortest = shortestSpokenSec(card);
      if (shortest !== undefined && shortest > card.timeLimitSec) {
        problems.push({
          file: card.file,
          line: card.line,
          severity: 'warning',
          message: `the shortest version takes about ${formatDuration(shortest)} to say, over the ${formatDuration(card.timeLimitSec)} limit; add a short version or raise \`time:\``,
        });
      }
    }
  }
  problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  return { cards, problems, files: files.length };
}

export interface CardFilter {
  tags?: readonly string[];
  company?: string;
}

/** Cards with any of the tags (case- and spelling-insensitive) and the company, if given. */
export function filterCards<T extends Pick<Card, 'tags' | 'company'>>(cards: readonly T[], filter: CardFilter): T[] {
  const wanted = (filter.tags ?? []).map(normalizeTag);
  const company = filter.company?.normalize('NFKC').toLowerCase().trim();
  return cards.filter(
    (card) =>
      (wanted.length === 0 || card.tags.some((t) => wanted.includes(normalizeTag(t)))) &&
      (company === undefined || card.company?.normalize('NFKC').toLowerCase().trim() === company),
  );
}
