/** What the output stream can show: colour, width. Decided once, passed to renderers as data. */

export interface TerminalInfo {
  isTTY: boolean;
  /** Columns to lay out in; Infinity when piped (no truncation in files and pipes). */
  columns: number;
  color: boolean;
}

export function detectTerminal(stream: { isTTY?: boolean; columns?: number } = process.stdout, env: NodeJS.ProcessEnv = process.env): TerminalInfo {
  const isTTY = stream.isTTY === true;
  const fromEnv = Number(env.COLUMNS);
  const columns = isTTY && stream.columns ? stream.columns : Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : isTTY ? 80 : Infinity;
  return { isTTY, columns, color: wantsColor(isTTY, env) };
}

/** FORCE_COLOR wins, then NO_COLOR (https://no-color.org), then: colour on a terminal only. */
function wantsColor(isTTY: boolean, env: NodeJS.ProcessEnv): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !(force === '0' || force === 'false');
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return isTTY && env.TERM !== 'dumb';
}

