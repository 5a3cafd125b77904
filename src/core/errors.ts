/**
 * A small error hierarchy. Commands throw these; only src/cli.ts turns them into
 * messages and exit codes. Every message says what is wrong and what to do. Problems found in
 * answer files are data (`Problem` in markdown/parse.ts, with file and line), never thrown.
 */
export class PrepError extends Error {
  override name = 'PrepError';
}

/** The command line was wrong: exit code 2. */
export class UsageError extends PrepError {
  override name = 'UsageError';
}
