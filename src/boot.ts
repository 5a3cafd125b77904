/**
 * What bin/prep.js runs (built as dist/boot.js): compiles the bundled CLI with the V8 code cache the
 * build made for it (see src/code-cache.ts), so start-up deserializes compiled code instead of
 * parsing half a megabyte of JavaScript, then runs it. Without a usable cache (changed source,
 * damaged file, another Node version whose V8 rejects it) the source is compiled as usual.
 *
 * Before that, for a `prep list --json` or `prep stats` of the whole deck, it starts find on the
 * deck's answer files (store/deck-probe.ts), so that find's 40–90 ms on the other core overlap the
 * CLI's start-up too; the command adopts it, or stops it if the deck turns out to be another.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Script } from 'node:vm';
import { codeCacheFor, wrap } from './code-cache.js';
import { probeTarget, startDeckProbe, type DeckProbe } from './store/deck-probe.js';
import { cacheDirFor, findDeck } from './store/paths.js';

/** find for the deck this command line names, when the command will want it; never throws. */
function earlyProbe(): DeckProbe | undefined {
  try {
    const target = probeTarget(process.argv.slice(2));
    // list --json asks find only when its output is not a terminal (it prints the stored list then).
    // (node:tty loaded only then: it loads net, which no other start needs.)
    if (!target || (process.argv[2] === 'list' && process.getBuiltinModule('node:tty').isatty(1))) return undefined;
    const { deckDir } = findDeck({ deck: target.deck, mustExist: false });
    return startDeckProbe(deckDir, cacheDirFor(deckDir));
  } catch {
    return undefined;
  }
}

const probe = earlyProbe();
const file = path.join(__dirname, 'cli.js');
const source = readFileSync(file);
const script = new Script(wrap(source.toString('utf8')), { filename: file, cachedData: codeCacheFor(`${file}.cache`, source) });
const cli = { exports: {} as { main(argv: string[], probe?: DeckProbe): Promise<void> } };
// This file's own require: cli.js sits beside it, so both resolve the same (./vendor/*, node:*).
(script.runInThisContext() as (...args: unknown[]) => void).call(cli.exports, cli.exports, require, cli, file, __dirname);
void cli.exports.main(process.argv, probe);
