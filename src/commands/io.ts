/** The outside world a command talks to, passed in so tests can capture it. */
import type { DeckProbe } from '../store/deck-probe.js';
import { jsonText } from '../ui/json.js';
import { detectTerminal, type TerminalInfo } from '../ui/terminal.js';

export interface CommandIO {
  stdout: { write(text: string | Uint8Array): unknown };
  stderr: { write(text: string): unknown };
  /** What stdout can show. */
  term: TerminalInfo;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** find, started with the process for the deck this command line names (boot.ts); the command adopts or stops it (deck-probe.ts). */
  probe?: DeckProbe;
}

/** The process's own streams; `stderrUsed` tells whether stderr was asked for (and so made). */
export function processIO(probe?: DeckProbe): CommandIO & { stderrUsed(): boolean } {
  let stderrUsed = false;
  return {
    stdout: process.stdout,
    // Made on first use: most runs never write to stderr, and making the stream loads net or tty.
    get stderr() {
      stderrUsed = true;
      return process.stderr;
    },
    stderrUsed: () => stderrUsed,
    term: detectTerminal(process.stdout),
    cwd: process.cwd(),
    env: process.env,
    ...(probe ? { probe } : {}),
  };
}

export const printLines = (io: CommandIO, lines: readonly string[]) => {
  if (lines.length > 0) io.stdout.write(`${lines.join('\n')}\n`);
};

/** JSON for scripts: compact when stdout is not a terminal, indented on one (see ui/json.ts). */
export const printJson = (io: CommandIO, value: unknown) => {
  io.stdout.write(`${jsonText(value, io.term.isTTY)}\n`);
};

/** The time PREP_NOW (an ISO time) pins the clock to, for tests; it is not a user setting. */
export function pinnedNow(env: NodeJS.ProcessEnv): Date | undefined {
  const pinned = env.PREP_NOW ? new Date(env.PREP_NOW) : undefined;
  return pinned && Number.isFinite(pinned.getTime()) ? pinned : undefined;
}
