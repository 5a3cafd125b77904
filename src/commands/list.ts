/** `prep list`: the deck as a table, or JSON. */
import { summarizeCard } from '../core/card.js';
import { filterCards } from '../core/deck.js';
import { loadDeckAsync } from '../store/deck-cache.js';
import { findDeck } from '../store/paths.js';
import { renderList, listFooter } from '../ui/list-view.js';
import { paint } from '../ui/terminal.js';
import { printJson, printLines, type CommandIO } from './io.js';

export interface ListOptions {
  deck?: string;
  tag?: string[];
  company?: string;
  json?: boolean;
}

export async function run(options: ListOptions, io: CommandIO): Promise<number> {
  const { deckDir } = findDeck({ deck: options.deck, cwd: io.cwd, env: io.env });
  const deck = await loadDeckAsync(deckDir);
  const cards = filterCards(deck.cards, { tags: options.tag, company: options.company });
  if (options.json) {
    printJson(io, cards.map(summarizeCard));
    return 0;
  }
  const c = paint(io.term);
  if (cards.length === 0) {
    const filtered = options.tag?.length || options.company;
    printLines(io, [filtered ? 'No cards match these filters; run `prep list` without --tag/--company to see them all.' : 'The deck is empty; add an answer with `prep add`.']);
    return 0;
  }
  printLines(io, [...renderList(cards, io.term.columns, c), '', listFooter(cards, deck.files, c)]);
  const errors = deck.problems.filter((p) => p.severity === 'error').length;
  if (errors > 0) io.stderr.write(`${errors} ${errors === 1 ? 'error in the answer files kept cards' : 'errors in the answer files kept cards'} out of this list; run \`prep check\` to see ${errors === 1 ? 'it' : 'them'}.\n`);
  return 0;
}
