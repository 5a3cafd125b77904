// The floor under a warm `prep list --json`, for reference: what anything must do that prints the
// whole deck and notices an answer file added, removed or edited in place, and nothing more. It
// stats every folder and every answer file (their names taken from the record prep keeps of its last
// walk, .prep/cache/deck-folders) and writes the list prep stored to stdout. No checks, no command
// line, no module beyond node's own, and paths joined by hand (path.join costs about 25 ms at 10,000
// files).
// Usage: node list-floor.cjs DECK_DIR CACHE_DIR
'use strict';
const { readFileSync, statSync, writeSync } = require('node:fs');
const { sep } = require('node:path');

const [deckDir, cacheDir] = process.argv.slice(2);
const record = readFileSync(cacheDir + sep + 'deck-folders');
const firstLine = record.indexOf(0x0a);
const secondLine = record.indexOf(0x0a, firstLine + 1);
const { folders } = JSON.parse(record.toString('utf8', firstLine + 1, secondLine));
const files = record.toString('utf8', secondLine + 1).split('\0');
let stamp = 0;
for (const [folder] of folders) stamp += statSync(folder === '' ? deckDir : deckDir + sep + folder).mtimeMs;
for (const file of files) stamp += statSync(deckDir + sep + file).size;
const list = readFileSync(cacheDir + sep + 'deck-list-json');
for (let done = 0; done < list.length; ) done += writeSync(1, list, done);
if (stamp === 0) process.exitCode = 1;
