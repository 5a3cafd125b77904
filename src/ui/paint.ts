/**
 * Colour for text output. Kept apart from terminal.ts so that loading chalk is paid only by
 * commands that print coloured text, not by `--json`, `--version` or `--help`.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import type { TerminalInfo } from './terminal.js';

export function paint(info: Pick<TerminalInfo, 'color'>): ChalkInstance {
  return new Chalk({ level: info.color ? 1 : 0 });
}
