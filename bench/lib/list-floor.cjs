// The floor under a warm `prep list --json`, for reference: what anything must do that prints the
// whole deck and notices an answer file edited in place, and nothing more. It walks the deck, stats
// every answer file, and writes the list prep stored to stdout. No checks, no command line, no
// module beyond node's own, and paths joined by hand (path.join costs about 25 ms at 10,000 files).
// Usage: node list-floor.cjs DECK_DIR CACHE_DIR
'use strict';
const { readdirSync, readFileSync, statSync, writeSync } = require('node:fs');
const { sep } = require('node:path');

const [deckDir, cacheDir] = process.argv.slice(2);
const files = [];
const walk = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const file = dir + sep + entry.name;
    if (entry.isDirectory()) walk(file);
    else if (entry.name.endsWith('.md')) files.push(file);
  }
};
walk(deckDir);
let size = 0;
for (const file of files) size += statSync(file).size;
const list = readFileSync(cacheDir + sep + 'deck-list-json');
for (let done = 0; done < list.length; ) done += writeSync(1, list, done);
if (size === 0) process.exitCode = 1;
