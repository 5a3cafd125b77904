/**
 * The file-system calls the progress store makes, behind one small interface so tests can inject
 * faults (ENOSPC, EIO, EACCES on write, fsync or rename) without touching the real disk's behaviour.
 * Production code uses `nodeFs`; nothing here adds behaviour.
 */
import * as fs from 'node:fs';

export interface FsLayer {
  openSync(path: string, flags: number | string, mode?: number): number;
  /** May write fewer bytes than asked; callers loop (see writeAll). */
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number): number;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
  ftruncateSync(fd: number, length: number): void;
  fstatSync(fd: number): fs.Stats;
  readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number | null): number;
  renameSync(from: string, to: string): void;
  linkSync(existing: string, newPath: string): void;
  unlinkSync(path: string): void;
  mkdirSync(path: string, options: { recursive: true }): void;
  readdirSync(path: string): string[];
  statSync(path: string): fs.Stats;
  readFileSync(path: string): Buffer;
}

export const nodeFs: FsLayer = {
  openSync: (p, flags, mode) => fs.openSync(p, flags, mode),
  writeSync: (fd, buffer, offset, length) => fs.writeSync(fd, buffer, offset, length),
  fsyncSync: (fd) => fs.fsyncSync(fd),
  closeSync: (fd) => fs.closeSync(fd),
  ftruncateSync: (fd, length) => fs.ftruncateSync(fd, length),
  fstatSync: (fd) => fs.fstatSync(fd),
  readSync: (fd, buffer, offset, length, position) => fs.readSync(fd, buffer, offset, length, position),
  renameSync: (from, to) => fs.renameSync(from, to),
  linkSync: (existing, newPath) => fs.linkSync(existing, newPath),
  unlinkSync: (p) => fs.unlinkSync(p),
  mkdirSync: (p, options) => {
    fs.mkdirSync(p, options);
  },
  readdirSync: (p) => fs.readdirSync(p),
  statSync: (p) => fs.statSync(p),
  readFileSync: (p) => fs.readFileSync(p),
};

/** Writes all of `data` at the file's current position (or its end, for O_APPEND). */
export function writeAll(layer: FsLayer, fd: number, data: Uint8Array): void {
  let offset = 0;
  while (offset < data.length) {
    const written = layer.writeSync(fd, data, offset, data.length - offset);
    if (written <= 0) {
      const error = new Error('write made no progress') as NodeJS.ErrnoException;
      error.code = 'EIO';
      throw error;
    }
    offset += written;
  }
}

/** Reads the whole file open on `fd` (size from fstat, then until EOF). */
export function readAllFd(layer: FsLayer, fd: number): Buffer {
  const size = layer.fstatSync(fd).size;
  // One byte more than the size, so the read that finds the end needs no bigger buffer.
  let buffer = Buffer.allocUnsafe(Math.max(size + 1, 4096));
  let length = 0;
  for (;;) {
    if (length === buffer.length) {
      const bigger = Buffer.allocUnsafe(buffer.length * 2);
      buffer.copy(bigger, 0, 0, length);
      buffer = bigger;
    }
    const n = layer.readSync(fd, buffer, length, buffer.length - length, length);
    if (n === 0) break;
    length += n;
  }
  return buffer.subarray(0, length);
}

/** Makes a create, rename or unlink in `dir` durable. Some file systems refuse to fsync a folder; that is not an error. */
export function syncFolder(layer: FsLayer, dir: string): void {
  let fd: number | undefined;
  try {
    fd = layer.openSync(dir, 'r');
    layer.fsyncSync(fd);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // A folder fsync that the platform does not support is fine; a real I/O error is not.
    if (code === 'EIO' || code === 'ENOSPC') throw error;
  } finally {
    if (fd !== undefined) layer.closeSync(fd);
  }
}

export function errnoCode(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? (error instanceof Error ? error.message : String(error));
}
