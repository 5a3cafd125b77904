/**
 * A small error hierarchy. Commands throw these; only src/cli.ts turns them into
 * messages and exit codes. Every message says what is wrong and what to do.
 */
export class PrepError extends Error {
  override name = 'PrepError';
}

/** The command line was wrong: exit code 2. */
export class UsageError extends PrepError {
  override name = 'UsageError';
}

/** A file cannot be used as it is; carries where, so the user can jump to it. */
export class ParseError extends PrepError {
  override name = 'ParseError';
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}
