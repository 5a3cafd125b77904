/**
 * The append-only journal beside the snapshot (`progress.journal`): one JSON line per event,
 * `{"seq":N,"event":{…}}`, fsynced after every append. Only the last line can be torn (a crash
 * mid-append, before the grade was acknowledged); it is ignored. Any other bad line is corruption.
 */
import type { ProgressEvent } from '../core/progress-model.js';
import { journalLineFromJson } from './progress-schema.js';

export interface JournalEntry {
  seq: number;
  event: ProgressEvent;
}

export type JournalParse =
  | {
      ok: true;
      entries: JournalEntry[];
      /** Bytes up to the end of the last complete, valid line; anything after it is a torn tail. */
      goodLength: number;
      tornTail: boolean;
    }
  | { ok: false; line: number; reason: string };

const NEWLINE = 0x0a;

export function parseJournal(bytes: Uint8Array): JournalParse {
  const entries: JournalEntry[] = [];
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let start = 0;
  let line = 0;
  let lastSeq = 0;
  while (start < buffer.length) {
    line++;
    const end = buffer.indexOf(NEWLINE, start);
    if (end === -1) {
      // No newline: an append that did not finish. It was never acknowledged.
      return { ok: true, entries, goodLength: start, tornTail: true };
    }
    const text = buffer.toString('utf8', start, end);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      // Unreadable, yet newline-terminated: when it is the last line, it is an append whose end
      // reached the disk before its middle (the file grew, the data did not), never acknowledged.
      if (isLastLine(buffer, end + 1)) return { ok: true, entries, goodLength: start, tornTail: true };
      return { ok: false, line, reason: `not JSON (${(error as Error).message})` };
    }
    const checked = journalLineFromJson(json);
    if (!checked.ok) return { ok: false, line, reason: checked.reason };
    if (checked.seq <= lastSeq) return { ok: false, line, reason: `seq ${checked.seq} is not above the previous line's ${lastSeq}` };
    lastSeq = checked.seq;
    entries.push({ seq: checked.seq, event: checked.event });
    start = end + 1;
  }
  return { ok: true, entries, goodLength: start, tornTail: false };
}

/** True when the bytes from `from` to the end hold no further newline-terminated line. */
function isLastLine(buffer: Buffer, from: number): boolean {
  return buffer.indexOf(NEWLINE, from) === -1;
}
