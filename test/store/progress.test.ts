import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, test } from 'vitest';
import { PrepError } from '../../src/core/errors.js';
import { emptyProgress } from '../../src/core/progress-model.js';
import { nodeFs, type FsLayer } from '../../src/store/fs-layer.js';
import { journalFileFor, listBackups, openProgress, ProgressFileError, ProgressLockedError, readProgress } from '../../src/store/progress.js';
import { reviewEvent } from './progress-fixtures.js';

const NOW = new Date('2025-03-10T12:00:00Z');
let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'prep-progress-'));
  file = path.join(dir, '.prep', 'progress.json');
});

function filesUnder(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[path.relative(root, p)] = readFileSync(p).toString('base64');
    }
  };
  if (existsSync(root)) walk(root);
  return out;
}

/** A pid that belonged to a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

function seed(reviews: number, options: { close?: boolean } = {}) {
  const store = openProgress(file, { now: NOW });
  for (let i = 0; i < reviews; i++) store.append(reviewEvent(store.nextSeq(), `card-${i % 3}`, new Date(NOW.getTime() + i * 1000), ((i % 4) + 1) as 1 | 2 | 3 | 4));
  if (options.close !== false) store.close();
  return store;
}

describe('round trip', () => {
  test('a missing file reads as empty history and readProgress writes nothing', () => {
    expect(readProgress(file)).toEqual(emptyProgress());
    expect(existsSync(path.dirname(file))).toBe(false);
  });

  test('reviews, cards, dates and log survive close and reopen exactly', () => {
    const store = openProgress(file, { now: NOW });
    store.append(reviewEvent(store.nextSeq(), 'a', NOW, 3));
    store.append(reviewEvent(store.nextSeq(), 'b', NOW, 1));
    store.append({ type: 'edited', cardId: 'a', at: NOW, from: 'hash-a', to: 'hash-a2' });
    store.append({ type: 'undo', seq: 2, cardId: 'b', at: NOW, card: null });
    const before = structuredClone(store.data);
    store.close();
    const after = readProgress(file);
    expect(after).toEqual(before);
    expect(after.reviews.map((r) => r.seq)).toEqual([1]);
    expect(after.cards.a!.contentHash).toBe('hash-a2');
    expect(after.cards.a!.memory.due).toBeInstanceOf(Date);
    expect(after.lastSeq).toBe(4);
    expect(after.log.map((e) => e.type)).toEqual(['edited', 'undone']);
  });

  test('every append is readable by another reader before close (journal)', () => {
    const store = openProgress(file, { now: NOW });
    store.append(reviewEvent(store.nextSeq(), 'a', NOW));
    expect(readProgress(file).reviews).toHaveLength(1);
    store.append(reviewEvent(store.nextSeq(), 'a', NOW));
    expect(readProgress(file).reviews).toHaveLength(2);
    store.close();
    expect(readFileSync(journalFileFor(file), 'utf8')).toBe(''); // compacted on close
    expect(readProgress(file).reviews).toHaveLength(2);
  });

  test('a card id like __proto__ is stored as a plain id', () => {
    const store = openProgress(file, { now: NOW });
    store.append(reviewEvent(store.nextSeq(), '__proto__', NOW));
    store.close();
    const data = readProgress(file);
    expect(Object.keys(data.cards)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).seq).toBeUndefined();
  });

  test('a review with an already used seq is refused and nothing changes', () => {
    const store = openProgress(file, { now: NOW });
    store.append(reviewEvent(1, 'a', NOW));
    expect(() => store.append(reviewEvent(1, 'b', NOW))).toThrow(PrepError);
    expect(store.data.reviews).toHaveLength(1);
    store.close();
    expect(readProgress(file).reviews).toHaveLength(1);
  });

  test('close is idempotent and append after close is refused', () => {
    const store = seed(2);
    store.close();
    expect(() => store.append(reviewEvent(store.nextSeq(), 'a', NOW))).toThrow(PrepError);
    expect(readProgress(file).reviews).toHaveLength(2);
  });
});

describe('journal replay', () => {
  test('events already in the snapshot are not applied twice (crash between snapshot and journal truncation)', () => {
    const store = seed(5, { close: false });
    const journal = readFileSync(journalFileFor(file));
    store.close(); // compacts: snapshot holds seq 1..5, journal emptied
    writeFileSync(journalFileFor(file), journal); // as if the crash hit before the journal was emptied
    const data = readProgress(file);
    expect(data.reviews.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    const again = openProgress(file, { now: NOW });
    expect(again.data.reviews).toHaveLength(5);
    again.append(reviewEvent(again.nextSeq(), 'x', NOW));
    again.close();
    expect(readProgress(file).reviews.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  test('a torn last line is ignored by readers and cut on the next open', () => {
    const store = seed(3, { close: false });
    const journal = journalFileFor(file);
    const full = readFileSync(journal, 'utf8');
    // simulate SIGKILL in the middle of the 3rd append
    store.close();
    writeFileSync(journal, full.slice(0, full.length - 40));
    writeFileSync(file, `{"schemaVersion":1,"lastSeq":0,"cards":{},"reviews":[],"log":[]}\n`);
    expect(readProgress(file).reviews.map((r) => r.seq)).toEqual([1, 2]);
    const again = openProgress(file, { now: NOW });
    expect(again.nextSeq()).toBe(3);
    again.append(reviewEvent(3, 'z', NOW));
    expect(readProgress(file).reviews.map((r) => r.seq)).toEqual([1, 2, 3]);
    again.close();
    expect(readProgress(file).reviews.map((r) => r.cardId)).toEqual(['card-0', 'card-1', 'z']);
  });

  test('a torn line of NUL bytes ending in a newline is treated as torn when it is last', () => {
    seed(2);
    appendFileSync(journalFileFor(file), Buffer.concat([Buffer.alloc(30), Buffer.from('\n')]));
    expect(readProgress(file).reviews).toHaveLength(2);
  });

  test('a bad line in the middle of the journal is corruption: refused, both files kept', () => {
    const store = seed(3, { close: false });
    const journal = journalFileFor(file);
    const lines = readFileSync(journal, 'utf8').split('\n');
    store.close();
    writeFileSync(file, `{"schemaVersion":1,"lastSeq":0,"cards":{},"reviews":[],"log":[]}\n`);
    writeFileSync(journal, [lines[0], '{"seq":2,"event":{"type":"review"}}', lines[2], ''].join('\n'));
    const before = filesUnder(path.dirname(file));
    expect(() => readProgress(file)).toThrow(ProgressFileError);
    expect(() => openProgress(file, { now: NOW })).toThrow(/progress\.journal:2/);
    expect(filesUnder(path.dirname(file))).toEqual(before);
  });
});

describe('corrupt or unknown files are refused and kept byte-identical', () => {
  const cases: Record<string, (valid: string) => string> = {
    empty: () => '',
    whitespace: () => '  \n',
    truncated: (valid) => valid.slice(0, Math.floor(valid.length / 2)),
    'invalid JSON': () => '{"schemaVersion": 1, "cards": {,}',
    'wrong schema': (valid) => valid.replace('"grade":3', '"grade":"good"'),
    'missing version': (valid) => valid.replace('"schemaVersion": 1,', ''),
    'future version': (valid) => valid.replace('"schemaVersion": 1', '"schemaVersion": 2'),
    'bad date': (valid) => valid.replace(/"at":"[^"]+"/, '"at":"yesterday"'),
    'array': () => '[]',
  };
  for (const [name, corrupt] of Object.entries(cases)) {
    test(name, () => {
      seed(4);
      // a backup from an earlier day, which must stay untouched
      const valid = readFileSync(file, 'utf8');
      const later = new Date(NOW.getTime() + 86_400_000);
      expect(corrupt(valid)).not.toBe(valid);
      writeFileSync(file, corrupt(valid));
      const before = filesUnder(path.dirname(file));
      expect(() => readProgress(file)).toThrow(ProgressFileError);
      let error: unknown;
      try {
        openProgress(file, { now: later });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ProgressFileError);
      const message = (error as Error).message;
      expect(message).toContain(file);
      expect(message).toMatch(/kept untouched/);
      if (name === 'future version') expect(message).toMatch(/newer prep/);
      else expect(message).toContain(listBackups(file)[0]!); // names the newest backup to restore
      expect(filesUnder(path.dirname(file))).toEqual(before); // no backup of the corrupt file, no lock left
      expect(existsSync(`${file}.lock`)).toBe(false);
    });
  }
});

describe('lock', () => {
  test('a second open of the same file gets a clear ProgressLockedError; after close it opens', () => {
    const first = openProgress(file, { now: NOW });
    expect(() => openProgress(file, { now: NOW })).toThrow(ProgressLockedError);
    first.close();
    expect(existsSync(`${file}.lock`)).toBe(false);
    openProgress(file, { now: NOW }).close();
  });

  test('a lock from a live process on this host names its pid and is respected', () => {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: process.ppid, host: os.hostname(), startedAt: NOW.toISOString(), token: 'other' }));
    expect(() => openProgress(file, { now: NOW })).toThrow(new RegExp(`pid ${process.ppid}`));
    expect(JSON.parse(readFileSync(`${file}.lock`, 'utf8')).token).toBe('other');
  });

  test('a lock whose process is dead is recovered', () => {
    seed(2);
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: deadPid(), host: os.hostname(), startedAt: NOW.toISOString(), token: 'dead' }));
    const store = openProgress(file, { now: NOW });
    expect(store.data.reviews).toHaveLength(2);
    expect(JSON.parse(readFileSync(`${file}.lock`, 'utf8')).pid).toBe(process.pid);
    store.close();
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  test('a lock from another host is respected', () => {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: deadPid(), host: `not-${os.hostname()}`, startedAt: NOW.toISOString(), token: 'remote' }));
    expect(() => openProgress(file, { now: NOW })).toThrow(ProgressLockedError);
  });
});

describe('leftovers', () => {
  test('temp files from a crashed compaction are removed on open; the file is intact', () => {
    seed(2);
    writeFileSync(`${file}.tmp-99999-deadbeef`, '{"schemaVersion":1, "half');
    mkdirSync(path.join(path.dirname(file), 'backups'), { recursive: true });
    writeFileSync(path.join(path.dirname(file), 'backups', 'progress-2025-03-09.json.tmp-1-ab'), 'half');
    const store = openProgress(file, { now: NOW });
    expect(store.data.reviews).toHaveLength(2);
    store.close();
    const names = [...readdirSync(path.dirname(file)), ...readdirSync(path.join(path.dirname(file), 'backups'))];
    expect(names.filter((n) => n.includes('.tmp-'))).toEqual([]);
  });
});

describe('backups', () => {
  test('one per study day, the newest 7 kept, each a valid state', () => {
    const day = (n: number) => new Date(Date.UTC(2025, 2, 1 + n, 12));
    for (let n = 0; n < 10; n++) {
      const store = openProgress(file, { now: day(n), timeZone: 'UTC' });
      store.append(reviewEvent(store.nextSeq(), 'a', day(n)));
      store.close();
      // a second session the same day makes no new backup
      openProgress(file, { now: new Date(day(n).getTime() + 3600_000), timeZone: 'UTC' }).close();
    }
    const backups = listBackups(file);
    expect(backups.map((b) => path.basename(b))).toEqual([9, 8, 7, 6, 5, 4, 3].map((n) => `progress-2025-03-${String(1 + n).padStart(2, '0')}.json`));
    // the backup of day 9 is taken at open, before that day's review
    const restoredFile = path.join(dir, 'restore', 'progress.json');
    mkdirSync(path.dirname(restoredFile));
    writeFileSync(restoredFile, readFileSync(backups[0]!));
    expect(readProgress(restoredFile).reviews).toHaveLength(9);
  });

  test('with the clock set back, the backup of that day is written and kept even though newer ones exist', () => {
    for (let n = 10; n < 17; n++) openProgress(file, { now: new Date(Date.UTC(2025, 2, n, 12)), timeZone: 'UTC' }).close();
    openProgress(file, { now: new Date(Date.UTC(2025, 2, 1, 12)), timeZone: 'UTC' }).close();
    const names = listBackups(file).map((b) => path.basename(b));
    expect(names).toContain('progress-2025-03-01.json');
    expect(names).toHaveLength(8); // the 7 newest, plus today's
  });

  test('the 4 a.m. rollover decides the day', () => {
    openProgress(file, { now: new Date('2025-03-10T03:30:00Z'), timeZone: 'UTC' }).close();
    expect(listBackups(file).map((b) => path.basename(b))).toEqual(['progress-2025-03-09.json']);
  });
});

test('readProgress never writes: no lock, no backup, no temp cleanup, journal tail left as is', () => {
  seed(3);
  appendFileSync(journalFileFor(file), '{"seq":9,"ev');
  writeFileSync(`${file}.tmp-1-aa`, 'x');
  const before = filesUnder(path.dirname(file));
  readProgress(file);
  expect(filesUnder(path.dirname(file))).toEqual(before);
});

test('a progress file that is a symbolic link is written through the link, which stays a link', () => {
  const real = path.join(dir, 'synced', 'progress.json');
  mkdirSync(path.dirname(real), { recursive: true });
  mkdirSync(path.dirname(file), { recursive: true });
  symlinkSync(real, file);
  const store = openProgress(file, { now: NOW });
  store.append(reviewEvent(store.nextSeq(), 'a', NOW));
  store.close();
  expect(lstatSync(file).isSymbolicLink()).toBe(true);
  expect(readProgress(real).reviews).toHaveLength(1);
  expect(readProgress(file).reviews).toHaveLength(1);
});

test('a lock with this process id but not held by it (a pid reused after a reboot) is stale', () => {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(`${file}.lock`, JSON.stringify({ pid: process.pid, host: os.hostname(), startedAt: '2020-01-01T00:00:00.000Z', token: 'before-reboot' }));
  const store = openProgress(file, { now: NOW });
  expect(() => openProgress(file, { now: NOW })).toThrow(/already open in this prep process/);
  store.close();
});

test('a reader overtaken by two compactions between its reads still gets a consistent state (no inode reuse mix-up)', () => {
  const writer = openProgress(file, { now: NOW });
  writer.append(reviewEvent(writer.nextSeq(), 'a', NOW));
  writer.compact();
  let interfered = false;
  const layer: FsLayer = {
    ...nodeFs,
    openSync(p, flags, mode) {
      if (!interfered && p.endsWith('.journal')) {
        // between the reader's snapshot and journal reads, the writer saves and compacts twice
        interfered = true;
        for (let i = 0; i < 2; i++) {
          writer.append(reviewEvent(writer.nextSeq(), 'b', NOW));
          writer.compact();
        }
        writer.append(reviewEvent(writer.nextSeq(), 'c', NOW));
      }
      return nodeFs.openSync(p, flags, mode);
    },
  };
  const data = readProgress(file, { fs: layer });
  expect(interfered).toBe(true);
  expect(data.reviews.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
  writer.close();
});
