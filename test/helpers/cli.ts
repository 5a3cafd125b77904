/**
 * Runs the real built binary (`node bin/prep.js`) for the CLI tests, the way a user would:
 * a pipe for stdin (so never a terminal), an environment cleaned of settings that change the
 * output, and a timeout so a hang fails the test instead of stalling the suite.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const PREP_BIN = path.join(REPO, 'bin', 'prep.js');
const CLI_JS = path.join(REPO, 'dist', 'cli.js');

/** Settings in the caller's environment that would change what prep prints or which deck it opens. */
export const UNSET_BY_DEFAULT = ['NO_COLOR', 'FORCE_COLOR', 'COLUMNS', 'PREP_DECK'] as const;

/** Throws a clear error when the build is missing (`bin/prep.js` runs `dist/boot.js`, which runs `dist/cli.js`). */
export function assertBuilt(who = 'the CLI tests'): void {
  if (!existsSync(CLI_JS)) throw new Error(`dist/cli.js is missing; run \`npm run build\` (npm test does it) before ${who}`);
}

/**
 * `process.env` without `unset`, then `overrides` on top (an override of `undefined` removes the key).
 */
export function inheritedEnv(overrides: Record<string, string | undefined> = {}, unset: readonly string[] = UNSET_BY_DEFAULT): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !unset.includes(key)) env[key] = value;
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

export interface RunOptions {
  cwd: string;
  /** Added to (or, with `undefined`, removed from) the cleaned environment. */
  env?: Record<string, string | undefined>;
  /** The whole environment instead of the cleaned `process.env`; `env` still applies on top. */
  baseEnv?: NodeJS.ProcessEnv;
  /** stdin; always a pipe, empty by default. */
  input?: string | Buffer;
  /** Killed (SIGKILL) after this long; default 20 s. */
  timeoutMs?: number;
  /** What to do when the timeout kills prep: throw a clear error (default) or return the result (code null). */
  onTimeout?: 'throw' | 'return';
  /** Extra node flags, e.g. a heap limit. */
  nodeArgs?: string[];
  uid?: number;
  gid?: number;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/prep.js ...args` and returns its exit code and output. */
export function runPrep(args: string[], options: RunOptions): RunResult {
  assertBuilt();
  const timeoutMs = options.timeoutMs ?? 20_000;
  let env: Record<string, string | undefined>;
  if (options.baseEnv) {
    env = { ...options.baseEnv };
    for (const [key, value] of Object.entries(options.env ?? {})) {
      if (value === undefined) delete env[key];
      else env[key] = value;
    }
  } else env = inheritedEnv(options.env);
  const spawnOptions: SpawnSyncOptions = {
    cwd: options.cwd,
    env,
    input: options.input ?? '',
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
    maxBuffer: 64 * 1024 * 1024,
    encoding: 'utf8',
    ...(options.uid !== undefined ? { uid: options.uid } : {}),
    ...(options.gid !== undefined ? { gid: options.gid } : {}),
  };
  const result = spawnSync(process.execPath, [...(options.nodeArgs ?? []), PREP_BIN, ...args], spawnOptions);
  const stdout = String(result.stdout ?? '');
  const stderr = String(result.stderr ?? '');
  const timedOut = (result.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
  if (result.error && !timedOut) throw result.error;
  if (timedOut && (options.onTimeout ?? 'throw') === 'throw') {
    throw new Error(`prep ${args.join(' ')} did not finish within ${timeoutMs} ms and was killed; stdout so far:\n${stdout.slice(-1500)}\nstderr so far:\n${stderr.slice(-1500)}`);
  }
  return { code: result.status, signal: result.signal, stdout, stderr };
}
