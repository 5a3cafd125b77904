/**
 * Atomic replacement of a file: a temp file in the same folder is written, fsynced and renamed over
 * the target, then the folder is fsynced. A crash at any moment leaves either the old file or the new
 * one, plus perhaps a temp file that `removeTempFiles` deletes on the next start.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { nodeFs, syncFolder, writeAll, type FsLayer } from './fs-layer.js';

const TEMP_MARK = '.tmp-';

export function tempNameFor(file: string): string {
  return `${file}${TEMP_MARK}${process.pid}-${randomBytes(4).toString('hex')}`;
}

/**
 * Replaces `file` with `content` (text, bytes, or byte chunks written in order) atomically and durably.
 * On failure `file` is as it was and the temp file is gone. Caches, which are never required, may skip
 * the folder fsync (`syncFolder: false`): losing their latest rename in a crash only costs a rebuild.
 */
export function writeFileAtomic(
  file: string,
  content: string | Uint8Array | readonly Uint8Array[],
  layer: FsLayer = nodeFs,
  options: { syncFolder?: boolean } = {},
): void {
  const temp = tempNameFor(file);
  const chunks = typeof content === 'string' ? [Buffer.from(content, 'utf8')] : content instanceof Uint8Array ? [content] : content;
  let fd: number | undefined;
  let renamed = false;
  try {
    fd = layer.openSync(temp, 'wx', 0o644);
    for (const chunk of chunks) writeAll(layer, fd, chunk);
    layer.fsyncSync(fd);
    layer.closeSync(fd);
    fd = undefined;
    layer.renameSync(temp, file);
    renamed = true;
    if (options.syncFolder !== false) syncFolder(layer, path.dirname(file));
  } finally {
    if (fd !== undefined) {
      try {
        layer.closeSync(fd);
      } catch {
        // already failing; the original error matters
      }
    }
    if (!renamed) {
      try {
        layer.unlinkSync(temp);
      } catch {
        // never created, or the disk refuses; removeTempFiles cleans it next time
      }
    }
  }
}

/** Deletes temp files `<base>.tmp-*` that a crash left in `dir`. Returns the names removed. */
export function removeTempFiles(dir: string, base: string, layer: FsLayer = nodeFs): string[] {
  let names: string[];
  try {
    names = layer.readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(`${base}${TEMP_MARK}`)) continue;
    try {
      layer.unlinkSync(path.join(dir, name));
      removed.push(name);
    } catch {
      // not ours to fight over; try again next time
    }
  }
  return removed;
}
