/** `file:line: error: what is wrong; what to do`, the form editors and terminals can jump to. */
import path from 'node:path';
import type { ChalkInstance } from 'chalk';
import type { Problem } from '../markdown/parse.js';
import { displayPath } from '../store/paths.js';
import { safeLine } from './sanitize.js';

export function formatProblem(problem: Problem, deckDir: string, cwd: string, c: ChalkInstance): string {
  const where = `${displayPath(path.join(deckDir, problem.file), cwd)}:${problem.line}`;
  const label = problem.severity === 'error' ? c.red('error') : c.yellow('warning');
  return `${c.bold(safeLine(where))}: ${label}: ${safeLine(problem.message)}`;
}

export function problemJson(problem: Problem, deckDir: string, cwd: string) {
  return { ...problem, path: displayPath(path.join(deckDir, problem.file), cwd) };
}
