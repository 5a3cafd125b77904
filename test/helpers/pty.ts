/**
 * A program in a pseudo-terminal (node-pty) for the end-to-end tests: collect what it prints,
 * wait for text, type keys, wait for the exit. Every wait has a timeout and every session a
 * deadline, so a test that never sees its text fails with the screen so far instead of hanging.
 */
import { spawn, type IPty } from 'node-pty';
import { PREP_BIN } from './cli.js';

/** CSI sequences, OSC, and ESC 7 / ESC 8 (save and restore the cursor). */
export const ANSI = /\u001b\[[0-9;?]*[A-Za-z]|\u001b\][^\u0007]*\u0007|\u001b[78]/g;

export interface PtyOptions {
  cwd: string;
  /** The whole environment of the program. */
  env: Record<string, string>;
  cols?: number;
  rows?: number;
  /** Removed from the output before matching and by text(); default ANSI. */
  strip?: RegExp;
  /** How long one waitFor may wait before it kills the program and rejects; default 15 s. */
  timeoutMs?: number;
  /** The program is killed after this long and `exited` rejects; default 60 s (longer than any e2e test may run). */
  deadlineMs?: number;
}

export interface PtySession {
  pty: IPty;
  /** Everything printed so far, escape sequences included. */
  raw(): string;
  /** Everything printed so far without `strip`. */
  text(): string;
  /** Resolves with the first match of `pattern` after everything matched so far. */
  waitFor(pattern: RegExp, what?: string): Promise<string>;
  type(keys: string): void;
  kill(signal?: string): void;
  exited: Promise<{ exitCode: number; signal?: number }>;
}

/** Runs `file ...args` in a pseudo-terminal (xterm-256color, 100×30 unless told). */
export function startPty(file: string, args: string[], options: PtyOptions): PtySession {
  const strip = options.strip ?? ANSI;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const pty = spawn(file, args, { name: 'xterm-256color', cols: options.cols ?? 100, rows: options.rows ?? 30, cwd: options.cwd, env: options.env });
  let output = '';
  let seen = 0;
  let done = false;
  let killedAtDeadline = false;
  const text = () => output.replace(strip, '');
  const waiters: Array<{ pattern: RegExp; resolve: (match: string) => void }> = [];
  const check = () => {
    const plain = text();
    for (const w of [...waiters]) {
      const m = w.pattern.exec(plain.slice(seen));
      if (m) {
        seen += m.index + m[0].length;
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m[0]);
      }
    }
  };
  pty.onData((d) => {
    output += d;
    check();
  });
  const kill = (signal = 'SIGKILL') => {
    if (!done) pty.kill(signal);
  };
  const deadline = setTimeout(() => {
    killedAtDeadline = true;
    kill();
  }, options.deadlineMs ?? 60_000);
  deadline.unref();
  const exited = new Promise<{ exitCode: number; signal?: number }>((resolve, reject) =>
    pty.onExit((e) => {
      done = true;
      clearTimeout(deadline);
      if (killedAtDeadline) reject(new Error(`${file} ${args.join(' ')} was still running at the session deadline and was killed; screen so far:\n${text().slice(-1500)}`));
      else resolve(e);
    }),
  );
  exited.catch(() => {}); // a test that stopped early (a failed waitFor) never awaits the exit
  return {
    pty,
    raw: () => output,
    text,
    waitFor: (pattern, what = String(pattern)) =>
      new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => {
          kill();
          reject(new Error(`gave up waiting for ${what}; screen so far:\n${text().slice(-1500)}`));
        }, timeoutMs);
        waiters.push({
          pattern,
          resolve: (match) => {
            clearTimeout(timer);
            resolve(match);
          },
        });
        check();
      }),
    type: (keys) => pty.write(keys),
    kill,
    exited,
  };
}

/** Runs `node bin/prep.js ...args` in a pseudo-terminal. */
export function startPrepPty(args: string[], options: PtyOptions): PtySession {
  return startPty(process.execPath, [PREP_BIN, ...args], options);
}
