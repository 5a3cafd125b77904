/** The outside world a command talks to, passed in so tests can capture it. */
import { detectTerminal, type TerminalInfo } from '../ui/terminal.js';

export interface CommandIO {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** What stdout can show. */
  term: TerminalInfo;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export function processIO(): CommandIO {
  return { stdout: process.stdout, stderr: process.stderr, term: detectTerminal(process.stdout), cwd: process.cwd(), env: process.env };
}

export const printLines = (io: CommandIO, lines: readonly string[]) => {
  if (lines.length > 0) io.stdout.write(`${lines.join('\n')}\n`);
};

// JSON.stringify escapes C0 controls but leaves DEL, C1 controls (U+009B is CSI to some terminals) and bidi overrides raw.
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export const printJson = (io: CommandIO, value: unknown) => {
  const json = JSON.stringify(value, null, 2).replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  io.stdout.write(`${json}\n`);
};
