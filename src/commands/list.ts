/** `prep list`: the deck as a table, or JSON. */
import { filterCards } from '../core/deck.js';
import { cacheDirFor, compactListJson, loadDeckListJson, loadDeckSummary } from '../store/deck-cache.js';
import { probeFor } from '../store/deck-probe.js';
import { listDeck } from '../store/deck-walk.js';
import { findDeck } from '../store/paths.js';
import { printJson, printLines, type CommandIO } from './io.js';

export interface ListOptions {
  deck?: string;
  tag?: string[];
  company?: string;
  json?: boolean;
}

export async function run(options: ListOptions, io: CommandIO): Promise<number> {
  const { deckDir } = findDeck({ deck: options.deck, cwd: io.cwd, env: io.env });
  if (options.json) {
    // The whole deck to a script: the compact text the cache keeps, checked against the index (stamps and hash).
    const fromCache = !options.tag?.length && options.company === undefined && !io.term.isTTY;
    const cacheDir = cacheDirFor(deckDir);
    // find checks the answer files' stamps on another core while this one reads the cache (deck-probe.ts).
    const probe = fromCache ? probeFor(io.probe, deckDir, cacheDir, io.env) : undefined;
    const listing = listDeck(deckDir, cacheDir); // listed once, whichever path below answers
    const stored = fromCache ? await loadDeckListJson(deckDir, listing, probe) : undefined;
    if (stored !== undefined) {
      io.stdout.write(stored);
      return 0;
    }
    // Only what it prints: on a warm cache, the summary part of the index, no card revived.
    const summary = await loadDeckSummary(deckDir, listing);
    const cards = filterCards(summary.cards, { tags: options.tag, company: options.company });
    if (io.term.isTTY) printJson(io, cards);
    else for (const chunk of compactListJson(cards)) io.stdout.write(chunk); // the same bytes, card by card: no 3 MB string at 10,000 cards
    return 0;
  }
  // Summaries (from the index alone on a warm cache): the table needs no section text.
  const deck = await loadDeckSummary(deckDir);
  const cards = filterCards(deck.cards, { tags: options.tag, company: options.company });
  if (cards.length === 0) {
    const filtered = options.tag?.length || options.company;
    printLines(io, [filtered ? 'No cards match these filters; run `prep list` without --tag/--company to see them all.' : 'The deck is empty; add an answer with `prep add`.']);
    return 0;
  }
  // Width arithmetic and colour: the table only, not --json.
  const [{ renderList, listFooter }, { paint }] = await Promise.all([import('../ui/list-view.js'), import('../ui/paint.js')]);
  const c = paint(io.term);
  printLines(io, [...renderList(cards, io.term.columns, c), '', listFooter(cards, deck.files, c)]);
  const errors = deck.errors;
  if (errors > 0) io.stderr.write(`${errors} ${errors === 1 ? 'error in the answer files kept cards' : 'errors in the answer files kept cards'} out of this list; run \`prep check\` to see ${errors === 1 ? 'it' : 'them'}.\n`);
  return 0;
}
