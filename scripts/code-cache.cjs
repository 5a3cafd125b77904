// Writes dist/cli.js.cache, the V8 code cache src/boot.ts starts prep with, laid out as
// src/code-cache.ts reads it: "prep-code-cache 1\n", the source's length and the cache's SHA-256,
// "\n", the source, then the cache.
//
// The cache is made after `prep list --json` and `prep stats --json` have run in this process, on a
// copy of the deck and history the stats tests use (test/fixtures/progress): V8 compiles a function
// on its first call, and a cache made right after compiling the script holds the top level only,
// leaving that compiling to every start (a warm `prep stats --json` at 10,000 cards: 20–30 ms).
// The cache holds compiled code, no state of the run (V8's code cache never does).
//
// Run by scripts/build.mjs as a process of its own, with stdout ignored: the commands print there
// and set process.exitCode, and this process exits once done. Any command that fails fails the build.
'use strict';
const { spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const os = require('node:os');
const path = require('node:path');
const { Script } = require('node:vm');

const repo = path.resolve(__dirname, '..');
const file = path.join(repo, 'dist', 'cli.js');
const fixture = path.join(repo, 'test', 'fixtures', 'progress');

/**
 * What runs before the cache is made, on the warm caches of the copy. Only these two: every start
 * deserializes the whole cache, and adding the table views, check and --help (410 KB of cache
 * instead of 300 KB) made a warm `stats --json` at 10,000 cards run 2 % more instructions than with
 * these two alone (valgrind; these two: 3.5 % fewer than the top level only) and `--version` 2 % more.
 */
const TRAINING = [
  ['list', '--json'],
  ['stats', '--json'],
];

async function main() {
  const work = mkdtempSync(path.join(os.tmpdir(), 'prep-code-cache-'));
  try {
    const deck = path.join(work, 'answers');
    cpSync(path.join(fixture, 'deck'), deck, { recursive: true });
    mkdirSync(path.join(work, '.prep'));
    cpSync(path.join(fixture, 'sample', 'progress.json'), path.join(work, '.prep', 'progress.json'));
    const env = { ...process.env, NO_COLOR: '1', PREP_DECK: deck };
    delete env.FORCE_COLOR;
    delete env.PREP_NOW;
    // The parse cache and the stats caches, made by another process: the code that makes them stays
    // out of this one, and so out of the code cache every start reads.
    for (const args of [['list', '--json'], ['stats', '--json']]) {
      const run = spawnSync(process.execPath, [path.join(repo, 'bin', 'prep.js'), ...args], { cwd: work, env, encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`prep ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
    }

    const source = readFileSync(file);
    const script = new Script(`(function (exports, require, module, __filename, __dirname) { ${source.toString('utf8')}\n});`, { filename: file });
    const cli = { exports: {} };
    script.runInThisContext().call(cli.exports, cli.exports, createRequire(file), cli, file, path.dirname(file));
    process.chdir(work);
    Object.assign(process.env, env);
    // list and stats end the process once their output is written (src/cli.ts): not this one.
    const exit = process.exit;
    process.exit = () => undefined;
    for (const args of TRAINING) {
      process.exitCode = undefined;
      await cli.exports.main([process.execPath, 'prep', ...args]);
      if ((process.exitCode ?? 0) !== 0) throw new Error(`prep ${args.join(' ')} exited ${process.exitCode}`);
    }
    process.exit = exit;
    process.exitCode = undefined;
    process.chdir(repo);

    const cachedData = script.createCachedData();
    const header = `prep-code-cache 1\n${source.length} ${createHash('sha256').update(cachedData).digest('hex')}\n`;
    writeFileSync(`${file}.cache.tmp`, Buffer.concat([Buffer.from(header), source, cachedData]));
    renameSync(`${file}.cache.tmp`, `${file}.cache`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`scripts/code-cache.cjs: ${error?.message ?? error}\n`);
  process.exitCode = 1;
});
