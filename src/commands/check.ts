/** `prep check`: every problem in the deck; exit 1 when any is an error. */
import { loadDeckAsync } from '../store/deck-cache.js';
import { displayPath, findDeck } from '../store/paths.js';
import { formatProblem, problemJson } from '../ui/problems-view.js';
import { paint } from '../ui/terminal.js';
import { printJson, printLines, type CommandIO } from './io.js';

export interface CheckOptions {
  deck?: string;
  json?: boolean;
}

export async function run(options: CheckOptions, io: CommandIO): Promise<number> {
  const { deckDir } = findDeck({ deck: options.deck, cwd: io.cwd, env: io.env });
  const deck = await loadDeckAsync(deckDir);
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
