/**
 * What `prep check` says about the progress history: history that belongs to no card in the deck
 * (a warning: it is kept, and reattached when a card with that id or question returns, or its file
 * holds one new card). Pure.
 */
import type { Problem } from '../markdown/parse.js';
import type { Card } from './card.js';
import type { ProgressData, ReattachReason } from './progress-model.js';
import { findOrphans, reconcile } from './reconcile.js';

/** One warning per card id whose history has no card; `file` names the progress file in the report. */
export function orphanHistoryProblems(cards: Card[], data: ProgressData, file: string): Problem[] {
  const orphans = findOrphans(cards, data);
  if (orphans.length === 0) return [];
  // Which orphans the next drill reattaches, and why; the time only stamps the events, unused here.
  const reattach = new Map<string, { to: string; reason: ReattachReason }>();
  for (const event of reconcile(cards, data, new Date(0))) if (event.type === 'reattach') reattach.set(event.from, { to: event.to, reason: event.reason });
  const counts = new Map<string, number>();
  for (const r of data.reviews) counts.set(r.cardId, (counts.get(r.cardId) ?? 0) + 1);
  return orphans.map((record) => {
    const reviews = counts.get(record.id) ?? 0;
    const what = `history of card "${record.id}" (${reviews} review${reviews === 1 ? '' : 's'}; "${record.question}", last in ${record.file})`;
    const to = reattach.get(record.id);
    const message = to
      ? `${what} has no card with that id; the next drill reattaches it to card "${to.to}", ${to.reason === 'same-question' ? 'which has the same question' : `now the only card in ${record.file}`}`
      : `${what} belongs to no card in the deck; it is kept, and comes back when a card with that id or question returns (restore the file, or give a card \`id: ${record.id}\`)`;
    return { file, line: 1, severity: 'warning', message };
  });
}
