/** An FsLayer that fails chosen calls with chosen error codes, for the I/O fault tests. */
import { nodeFs, type FsLayer } from '../../../src/store/fs-layer.js';

export type FaultOp = 'writeSync' | 'fsyncSync' | 'renameSync' | 'openSync' | 'ftruncateSync' | 'linkSync';

export interface Fault {
  op: FaultOp;
  code: string;
  /** Only calls on paths for which this is true (fd calls use the path the fd was opened with). */
  path?: (p: string) => boolean;
  /** writeSync only: write half of the buffer first, then fail. */
  partial?: boolean;
}

export interface FaultyFs extends FsLayer {
  faults: Fault[];
  /** Calls that failed, as `op path code`. */
  failed: string[];
}

function errno(code: string, op: string, p: string): NodeJS.ErrnoException {
  const error = new Error(`${code}: injected, ${op} '${p}'`) as NodeJS.ErrnoException;
  error.code = code;
  return error;
}

export function faultyFs(faults: Fault[] = []): FaultyFs {
  const fdPaths = new Map<number, string>();
  const layer: FaultyFs = {
    ...nodeFs,
    faults,
    failed: [],
    openSync(p, flags, mode) {
      check('openSync', p);
      const fd = nodeFs.openSync(p, flags, mode);
      fdPaths.set(fd, p);
      return fd;
    },
    closeSync(fd) {
      fdPaths.delete(fd);
      nodeFs.closeSync(fd);
    },
    writeSync(fd, buffer, offset, length) {
      const p = fdPaths.get(fd) ?? `fd ${fd}`;
      const fault = match('writeSync', p);
      if (fault?.partial && length > 1) {
        fault.partial = false; // the next call fails
        return nodeFs.writeSync(fd, buffer, offset, Math.floor(length / 2));
      }
      if (fault) fail(fault, p);
      return nodeFs.writeSync(fd, buffer, offset, length);
    },
    fsyncSync(fd) {
      check('fsyncSync', fdPaths.get(fd) ?? `fd ${fd}`);
      nodeFs.fsyncSync(fd);
    },
    ftruncateSync(fd, length) {
      check('ftruncateSync', fdPaths.get(fd) ?? `fd ${fd}`);
      nodeFs.ftruncateSync(fd, length);
    },
    renameSync(from, to) {
      check('renameSync', to);
      nodeFs.renameSync(from, to);
    },
    linkSync(existing, newPath) {
      check('linkSync', newPath);
      nodeFs.linkSync(existing, newPath);
    },
  };
  function match(op: FaultOp, p: string): Fault | undefined {
    return layer.faults.find((f) => f.op === op && (f.path === undefined || f.path(p)));
  }
  function fail(fault: Fault, p: string): never {
    layer.failed.push(`${fault.op} ${p} ${fault.code}`);
    throw errno(fault.code, fault.op, p);
  }
  function check(op: FaultOp, p: string): void {
    const fault = match(op, p);
    if (fault) fail(fault, p);
  }
  return layer;
}
