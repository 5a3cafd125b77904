/**
 * `prep stats`: weakest answers, what is due, review history. Reads the progress file and never
 * writes it (no lock, no backup, no compaction). The only write is the shared deck parse cache in
 * `.prep/cache/`, as for `list` and `check`.
 */
import path from 'node:path';
import { UsageError } from '../core/errors.js';
import { studyDay } from '../core/study-day.js';
import { columnsFromDigest, digestFor, isStudyDay, statsFromView, statsView, type DigestColumns, type Stats } from '../core/stats.js';
import { cacheDirFor, loadDeckSummary, withDeckList, type DeckSummary } from '../store/deck-cache.js';
import { probeFor } from '../store/deck-probe.js';
import { listDeck } from '../store/deck-walk.js';
import { defaultProgressFile, findDeck } from '../store/paths.js';
import { loadStatsDigest, loadStatsView, saveStatsView } from '../store/stats-cache.js';
import { pinnedNow, printJson, printLines, type CommandIO } from './io.js';

export interface StatsCommandOptions {
  limit?: number;
  tag?: string[];
  company?: string;
  since?: string;
  json?: boolean;
  deck?: string;
  progress?: string;
}

export async function run(options: StatsCommandOptions, io: CommandIO): Promise<number> {
  const since = options.since?.trim();
  if (since !== undefined && !isStudyDay(since)) {
    throw new UsageError(`--since takes a date written YYYY-MM-DD, not "${options.since}"; for example --since 2026-11-01`);
  }
  const now = pinnedNow(io.env) ?? new Date();
  const today = studyDay(now);
  if (since !== undefined && since > today) throw new UsageError(`--since ${since} is after today (${today}), so no review would count; give a day up to today`);
  const locations = findDeck({ deck: options.deck, cwd: io.cwd, env: io.env });
  const file = options.progress !== undefined ? path.resolve(io.cwd, options.progress) : defaultProgressFile(locations);
  const scope = { since, tags: options.tag, company: options.company };
  const whole = since === undefined && (options.tag?.length ?? 0) === 0 && options.company === undefined;
  const cacheDir = cacheDirFor(locations.deckDir);
  // find checks the answer files' stamps on another core while this one reads the caches (deck-probe.ts).
  const probe = whole ? probeFor(io.probe, locations.deckDir, cacheDir, io.env) : undefined;
  const listing = listDeck(locations.deckDir, cacheDir);
  let fresh: DeckSummary | undefined;
  if (whole) {
    // The whole deck's view (deck joined with the history's digest) from .prep/cache, when neither the
    // history nor any answer file changed since it was made: only the clock's part is left to do,
    // done before the answer files are known to be unchanged (withDeckList), and kept only if they are.
    // Else (new reviews, say) the deck's summary from the same check of the answer files.
    const found = await withDeckList(
      locations.deckDir,
      listing,
      (list, summary) => {
        const stored = loadStatsView(file, cacheDir, list);
        if (!stored) return { deck: summary() };
        return { stats: statsFromView(stored, { now, limit: options.limit }), nothingYet: stored.allReviews === 0 && stored.records === 0, errors: list.errors };
      },
      probe,
    );
    if (found?.stats) return show(found.stats, { nothingYet: found.nothingYet, errors: found.errors }, options, io);
    fresh = found?.deck;
  }
  // The deck before the history: a cold parse of a big deck runs in a worker thread whose heap is
  // gone when it ends, while the history's read grows this thread's heap for the rest of the run
  // (peak RSS at 10,000 cards and 100,000 reviews, both caches cold: deck first 162 MB, history
  // first 216 MB). The history is digested once and kept in .prep/cache, extended from the journal
  // as grades come.
  const deck = fresh ?? (await loadDeckSummary(locations.deckDir, listing));
  const history = whole ? await loadStatsDigest(file, cacheDir) : undefined;
  let digest: DigestColumns;
  if (history) {
    digest = history.columns;
  } else {
    const { readProgress } = await import('../store/progress.js');
    digest = columnsFromDigest(digestFor(deck.cards, readProgress(file), scope));
  }
  const view = statsView(deck.cards, digest, scope);
  // Kept for the next `stats` (the view of the whole deck and history only).
  if (whole && history?.history) saveStatsView(cacheDir, history.history, view, deck.cards);
  const stats = statsFromView(view, { now, limit: options.limit, ...scope });
  return show(stats, { nothingYet: digest.allReviews === 0 && digest.records === 0, errors: deck.errors }, options, io);
}

/** Prints the stats as JSON or as tables; `nothingYet` when the history holds no review and no card, `errors` in the answer files. */
async function show(stats: Stats, { nothingYet, errors }: { nothingYet: boolean; errors: number }, options: StatsCommandOptions, io: CommandIO): Promise<number> {
  if (options.json) {
    printJson(io, stats);
    return 0;
  }
  if (nothingYet) {
    printLines(io, ['No rehearsals yet, so there are no stats to show.', 'Run `prep drill` to rehearse your answers; come back here after a session or two.']);
    return 0;
  }
  if (stats.overview.cards.total === 0) {
    const filtered = (options.tag?.length ?? 0) > 0 || options.company !== undefined;
    printLines(io, [filtered ? 'No cards match these filters; run `prep stats` without --tag/--company to see them all.' : 'The deck is empty; add an answer with `prep add`.']);
    return 0;
  }
  // Width arithmetic and colour: the table only, not --json.
  const [{ renderStats }, { paint }] = await Promise.all([import('../ui/stats-view.js'), import('../ui/paint.js')]);
  printLines(io, renderStats(stats, { columns: io.term.columns, c: paint(io.term) }));
  if (errors > 0) io.stderr.write(`${errors} ${errors === 1 ? 'file has a problem' : 'problems in files'} kept cards out of these stats; run \`prep check\` to see ${errors === 1 ? 'it' : 'them'}.\n`);
  return 0;
}
