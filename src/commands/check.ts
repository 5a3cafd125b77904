/** `prep check`: every problem in the deck; exit 1 when any is an error. */
import path from 'node:path';
import type { Card } from '../core/card.js';
import { PrepError } from '../core/errors.js';
import { findOrphans, reconcile } from '../core/reconcile.js';
import type { Problem } from '../markdown/parse.js';
import { loadDeckAsync } from '../store/deck-cache.js';
import { displayPath, findDeck } from '../store/paths.js';
import { defaultProgressFile, readProgress } from '../store/progress.js';
import { formatProblem, problemJson } from '../ui/problems-view.js';
import { paint } from '../ui/terminal.js';
import { printJson, printLines, type CommandIO } from './io.js';

export interface CheckOptions {
  deck?: string;
  json?: boolean;
}

export async function run(options: CheckOptions, io: CommandIO): Promise<number> {
  const locations = findDeck({ deck: options.deck, cwd: io.cwd, env: io.env });
  const { deckDir } = locations;
  const loaded = await loadDeckAsync(deckDir);
  const deck = { ...loaded, problems: [...loaded.problems, ...progressProblems(loaded.cards, defaultProgressFile(locations), deckDir)] };
  const errors = deck.problems.filter((p) => p.severity === 'error');
  const warnings = deck.problems.filter((p) => p.severity === 'warning');
  if (options.json) {
    printJson(io, {
      deck: displayPath(deckDir, io.cwd),
      files: deck.files,
      cards: deck.cards.length,
      errors: errors.length,
      warnings: warnings.length,
      problems: deck.problems.map((p) => problemJson(p, deckDir, io.cwd)),
    });
    return errors.length > 0 ? 1 : 0;
  }
  const c = paint(io.term);
  const lines = deck.problems.map((p) => formatProblem(p, deckDir, io.cwd, c));
  const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const summary = `Checked ${count(deck.files, 'file')}, ${count(deck.cards.length, 'card')}: ${count(errors.length, 'error')}, ${count(warnings.length, 'warning')}.`;
  printLines(io, [...lines, ...(lines.length > 0 ? [''] : []), errors.length > 0 ? c.red(summary) : summary]);
  return errors.length > 0 ? 1 : 0;
}

/**
 * History that belongs to no card (warnings), or a progress file that cannot be read (error).
 * Read-only: readProgress takes no lock and writes nothing.
 */
function progressProblems(cards: Card[], progressFile: string, deckDir: string): Problem[] {
  const file = path.relative(deckDir, progressFile);
  let data;
  try {
    data = readProgress(progressFile);
  } catch (error) {
    if (error instanceof PrepError) return [{ file, line: 1, severity: 'error', message: error.message }];
    throw error;
  }
  const orphans = findOrphans(cards, data);
  if (orphans.length === 0) return [];
  const reattach = new Map<string, string>();
  for (const event of reconcile(cards, data, new Date(0))) if (event.type === 'reattach') reattach.set(event.from, event.to);
  const counts = new Map<string, number>();
  for (const r of data.reviews) counts.set(r.cardId, (counts.get(r.cardId) ?? 0) + 1);
  return orphans.map((record) => {
    const reviews = counts.get(record.id) ?? 0;
    const what = `history of card "${record.id}" (${reviews} review${reviews === 1 ? '' : 's'}; "${record.question}", last in ${record.file})`;
    const to = reattach.get(record.id);
    const message = to
      ? `${what} has no card with that id; the next drill reattaches it to card "${to}", which has the same question`
      : `${what} belongs to no card in the deck; it is kept, and comes back when a card with that id or question returns (restore the file, or give a card \`id: ${record.id}\`)`;
    return { file, line: 1, severity: 'warning' as const, message };
  });
}
