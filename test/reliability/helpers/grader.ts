/**
 * Child process for the crash and concurrency tests: opens the progress store and appends grades in
 * a loop, printing each seq only after append() returned (the acknowledgement). The parent kills it.
 * argv: <progress file> <day offset> <compact every N appends> <reopen every N appends> <max appends>
 */
import { writeSync } from 'node:fs';
import { openProgress, type ProgressStore } from '../../../src/store/progress.js';
import { reviewEvent } from '../../store/progress-fixtures.js';

const [file, dayArg = '0', compactArg = '0', reopenArg = '0', maxArg = '100000'] = process.argv.slice(2);
if (!file) throw new Error('usage: grader <file> [day] [compactEvery] [reopenEvery] [max]');
const day = Number(dayArg);
const compactEvery = Number(compactArg);
const reopenEvery = Number(reopenArg);
const max = Number(maxArg);
const now = new Date(Date.UTC(2025, 0, 1 + day, 12));

const open = (): ProgressStore => openProgress(file, { now, timeZone: 'UTC', backupsKept: 3 });
let store: ProgressStore;
try {
  store = open();
} catch (error) {
  writeSync(2, `error ${(error as Error).name}: ${(error as Error).message}\n`);
  process.exit(3);
}
writeSync(1, `open ${store.data.lastSeq}\n`);
for (let i = 1; i <= max; i++) {
  const seq = store.nextSeq();
  store.append(reviewEvent(seq, `card-${seq % 7}`, new Date(now.getTime() + seq), ((seq % 4) + 1) as 1 | 2 | 3 | 4));
  writeSync(1, `${seq}\n`);
  if (compactEvery > 0 && i % compactEvery === 0) store.compact();
  if (reopenEvery > 0 && i % reopenEvery === 0) {
    store.close();
    store = open();
  }
}
store.close();
writeSync(1, 'done\n');
