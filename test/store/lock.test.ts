import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireLock, processIdentity, ProgressLockedError } from '../../src/store/lock.js';

const NOW = new Date('2026-03-01T10:00:00Z');
const linux = process.platform === 'linux';

describe('processIdentity', () => {
  const files = (stat: string) => (file: string) => {
    if (file === '/proc/sys/kernel/random/boot_id') return 'b00t-1d\n';
    if (file === '/proc/77/stat') return stat;
    throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
  };

  it('reads the start time (field 22) after a command name holding spaces and parentheses', () => {
    const stat = '77 (we ird) (x) S 1 77 77 0 -1 4194560 100 0 0 0 5 2 0 0 20 0 1 0 987654 12345678 300 18446744073709551615\n';
    expect(processIdentity(77, files(stat))).toBe('b00t-1d/987654');
  });

  it('is undefined when /proc does not know the process', () => {
    expect(processIdentity(78, files(''))).toBeUndefined();
    expect(processIdentity(77, files('77 (short) S 1'))).toBeUndefined();
  });

  it.runIf(linux)('tells this process from a younger one on a real /proc', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const mine = processIdentity(process.pid);
      expect(mine).toMatch(/^[\w-]+\/\d+$/);
      expect(processIdentity(process.pid)).toBe(mine); // stable for the same process
      await new Promise((resolve) => setTimeout(resolve, 20)); // at least one clock tick after this process started
      expect(processIdentity(child.pid!)).not.toBe(mine);
    } finally {
      child.kill();
    }
  });
});

describe('a lock whose pid is alive', () => {
  let dir: string;
  let file: string;
  let other: ChildProcess;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'prep-lock-'));
    file = path.join(dir, 'progress.json');
    other = spawn('sleep', ['30'], { stdio: 'ignore' }); // a live process that is not this one
  });
  afterEach(() => {
    other.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  const leaveLock = (extra: Record<string, unknown>) =>
    writeFileSync(`${file}.lock`, `${JSON.stringify({ pid: other.pid, host: os.hostname(), startedAt: '2026-02-01T00:00:00.000Z', token: 'feedfacefeedface', ...extra })}\n`);
  const identities = (holder: string | undefined) => (pid: number) => (pid === other.pid ? holder : `boot/${pid}`);

  it('is respected when that pid is still the process that wrote it', () => {
    leaveLock({ process: 'boot/1000' });
    expect(() => acquireLock(file, NOW, undefined, identities('boot/1000'))).toThrow(ProgressLockedError);
  });

  it('is taken over when the pid now belongs to a process started later (pid reused, or a reboot)', () => {
    leaveLock({ process: 'boot/1000' });
    const lock = acquireLock(file, NOW, undefined, identities('boot/2000'));
    try {
      expect(JSON.parse(readFileSync(`${file}.lock`, 'utf8'))).toMatchObject({ pid: process.pid, process: `boot/${process.pid}` });
    } finally {
      lock.release();
    }
  });

  it('written without a process identity (older prep, or no /proc) is respected as before', () => {
    leaveLock({});
    expect(() => acquireLock(file, NOW, undefined, identities('boot/2000'))).toThrow(ProgressLockedError);
  });

  it('is respected when /proc cannot tell who holds the pid now', () => {
    leaveLock({ process: 'boot/1000' });
    expect(() => acquireLock(file, NOW, undefined, identities(undefined))).toThrow(ProgressLockedError);
  });

  it.runIf(linux)('with the real /proc: a lock naming a live pid but another start time is stale', () => {
    leaveLock({ process: `${processIdentity(other.pid!)!.split('/')[0]}/1` });
    const lock = acquireLock(file, NOW);
    lock.release();
    leaveLock({ process: processIdentity(other.pid!) });
    expect(() => acquireLock(file, NOW)).toThrow(/in use by another prep \(pid \d+/);
  });
});
