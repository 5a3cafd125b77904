/** `prep stats`: not built yet. */
import { PrepError } from '../core/errors.js';
import type { CommandIO } from './io.js';

export async function run(_options: unknown, _io: CommandIO): Promise<number> {
  throw new PrepError('`prep stats` is not available yet in this version.');
}
