/** `prep check`: every problem in the deck; exit 1 when any is an error. */
import path from 'node:path';
import type { Card } from '../core/card.js';
import { PrepError } from '../core/errors.js';
import { orphanHistoryProblems } from '../core/history-problems.js';
import type { Problem } from '../markdown/parse.js';
import { loadDeckAsync } from '../store/deck-cache.js';
import { displayPath, findDeck } from '../store/paths.js';
import { defaultProgressFile, readProgress } from '../store/progress.js';
import { formatProblem, problemJson } from '../ui/problems-view.js';
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
  const { paint } = await import('../ui/paint.js'); // colour: the report only, not --json
  const c = paint(io.term);
  const lines = deck.problems.map((p) => formatProblem(p, deckDir, io.cwd, c));
  const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const summary = `Checked ${count(deck.files, 'file')}, ${count(deck.cards.length, 'card')}: ${count(errors.length, 'error')}, ${count(warnings.length, 'warning')}.`;
  printLines(io, [...lines, ...(lines.length > 0 ? [''] : []), errors.length > 0 ? c.red(summary) : summary]);
  return errors.length > 0 ? 1 : 0;
}

/** A progress file that cannot be read (error), or history that belongs to no card (warnings). Read-only: no lock, no write. */
function progressProblems(cards: Card[], progressFile: string, deckDir: string): Problem[] {
  const file = path.relative(deckDir, progressFile);
  try {
    return orphanHistoryProblems(cards, readProgress(progressFile), file);
  } catch (error) {
    if (error instanceof PrepError) return [{ file, line: 1, severity: 'error', message: error.message }];
    throw error;
  }
}
