/**
 * Front matter, read safely: YAML only. gray-matter would evaluate `---js` / `---javascript`
 * front matter as code (and `engines: { js: false }` does not stop it), so both engine
 * names are replaced by one that refuses. Values are then checked field by field.
 */
import matter from 'gray-matter';
import { parseDuration } from '../core/text.js';
import { explainYamlError, type YamlErrorLike } from './yaml-error.js';

export interface FrontMatter {
  question?: string;
  /** File line of `question:`, for messages and for `prep list`. */
  questionLine?: number;
  /**
   * File line of a `question:` with nothing after it (or `""`, `~`): the file is then read like one
   * without `question:`, and this line is where "no question found" points.
   */
  emptyQuestionLine?: number;
  id?: string;
  /** File line of `id:`. */
  idLine?: number;
  tags: string[];
  company?: string;
  timeSec?: number;
}

export type FrontMatterResult =
  | { ok: true; data: FrontMatter; body: string; bodyLineOffset: number; hasFrontMatter: boolean }
  | { ok: false; line: number; message: string };

class CodeInFrontMatter extends Error {}

const refuseCode = (): never => {
  throw new CodeInFrontMatter();
};
const SAFE_ENGINES = { js: refuseCode, javascript: refuseCode };

const ID_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N}._:/#-]{0,127}$/u;

export function readFrontMatter(text: string): FrontMatterResult {
  // `----` and longer are a markdown rule, not front matter (gray-matter agrees).
  const opening = /^---(?!-)([^\n]*)/.exec(text);
  if (!opening) {
    return { ok: true, data: { tags: [] }, body: text, bodyLineOffset: 0, hasFrontMatter: false };
  }
  // Decide on the language ourselves, before gray-matter sees it: only YAML is ever parsed,
  // so no engine name (js, JavaScript, coffee, or an Object.prototype key) can reach an engine.
  const language = (opening[1] ?? '').trim().toLowerCase();
  if (language === 'js' || language === 'javascript') {
    return { ok: false, line: 1, message: 'front matter written as JavaScript is never run; use YAML front matter (a line with just ---)' };
  }
  if (language !== '' && language !== 'yaml' && language !== 'yml') {
    return { ok: false, line: 1, message: 'front matter must be YAML; remove the language name after the opening ---' };
  }
  if (!/\n---/.test(text.slice(opening[0].length))) {
    return { ok: false, line: 1, message: 'front matter has no closing --- line; add a line with just --- after the last key' };
  }
  let parsed: matter.GrayMatterFile<string>;
  try {
    // Passing options also turns off gray-matter's unbounded per-string cache.
    parsed = matter(text, { engines: SAFE_ENGINES });
  } catch (error) {
    if (error instanceof CodeInFrontMatter) {
      return { ok: false, line: 1, message: 'front matter written as JavaScript is never run; use YAML front matter (a line with just ---)' };
    }
    if (/engine .* is not registered/.test(String((error as Error).message))) {
      return { ok: false, line: 1, message: 'front matter must be YAML; remove the language name after the opening ---' };
    }
    // The YAML text as gray-matter cuts it: from the end of the opening `---` line up to the
    // closing one, so its line 0 is file line 1 and js-yaml's offsets index it.
    const rest = text.slice(opening[0].length);
    const close = rest.indexOf('\n---');
    const yaml = close === -1 ? rest : rest.slice(0, close);
    return { ok: false, ...explainYamlError(yaml, error as YamlErrorLike, (error as Error).message.split('\n')[0] ?? '') };
  }
  const bodyStart = text.length - parsed.content.length;
  const bodyLineOffset = countNewlines(text, bodyStart);
  const raw: unknown = parsed.data;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, line: 2, message: 'front matter must be key: value lines (question:, tags:, company:, time:, id:)' };
  }
  const checked = checkFields(raw as Record<string, unknown>, (key) => keyLine(parsed.matter, key));
  if (!checked.ok) return checked;
  return { ok: true, data: checked.data, body: parsed.content, bodyLineOffset, hasFrontMatter: true };
}

function checkFields(
  raw: Record<string, unknown>,
  lineOf: (key: string) => number,
): { ok: true; data: FrontMatter } | { ok: false; line: number; message: string } {
  // Own properties only: a YAML `__proto__` key must not reach anything.
  const get = (key: string): unknown => (Object.prototype.hasOwnProperty.call(raw, key) ? raw[key] : undefined);
  const fail = (key: string, message: string) => ({ ok: false as const, line: lineOf(key), message });
  const data: FrontMatter = { tags: [] };

  const question = get('question');
  if (question !== undefined) {
    if (question !== null && typeof question !== 'string' && typeof question !== 'number') return fail('question', '`question:` must be text; put the question in quotes');
    const text = question === null ? '' : String(question).trim();
    if (text === '') data.emptyQuestionLine = lineOf('question');
    else {
      data.question = text;
      data.questionLine = lineOf('question');
    }
  }

  const id = get('id');
  if (id !== undefined && id !== null) {
    // Type first: String() of a YAML alias bomb (billion laughs) would expand it and exhaust memory.
    const text = typeof id === 'string' || typeof id === 'number' ? String(id).trim() : '';
    if (!ID_PATTERN.test(text)) {
      return fail('id', '`id:` must be a short name of letters, digits and . _ - / : # (no spaces); change it or remove it');
    }
    data.id = text;
    data.idLine = lineOf('id');
  }

  const tags = get('tags');
  if (tags !== undefined && tags !== null) {
    const list = typeof tags === 'string' ? tags.split(',') : Array.isArray(tags) ? tags : undefined;
    if (!list || !list.every((t) => typeof t === 'string' || typeof t === 'number')) {
      return fail('tags', '`tags:` must be a list like [behavioural, leadership] or a comma-separated line');
    }
    data.tags = [...new Set(list.map((t) => String(t).trim()).filter((t) => t !== ''))];
  }

  const company = get('company');
  if (company !== undefined && company !== null) {
    if (typeof company !== 'string' && typeof company !== 'number') return fail('company', '`company:` must be a single name; put it in quotes');
    const text = String(company).trim();
    if (text !== '') data.company = text;
  }

  const time = get('time');
  if (time !== undefined && time !== null) {
    const seconds = typeof time === 'string' || typeof time === 'number' ? parseDuration(time) : undefined;
    if (seconds === undefined) {
      const shown = typeof time === 'string' || typeof time === 'number' ? JSON.stringify(String(time)) : 'value';
      return fail('time', `\`time:\` ${shown} is not a duration; write it like 90s, 2m or 1m30s`);
    }
    data.timeSec = seconds;
  }
  return { ok: true, data };
}

function countNewlines(text: string, end: number): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

/** 1-based file line of `key:` in the front matter (which starts on file line 2). */
function keyLine(matterText: string, key: string): number {
  const lines = matterText.split('\n');
  const pattern = keyPattern(key);
  const index = lines.findIndex((l) => pattern.test(l));
  return index === -1 ? 1 : index + 1;
}

/** Made once per key: a cold load asks for the line of `question:` in every file, and a new RegExp each time made it about 15 % slower (instructions, valgrind). */
const keyPatterns = new Map<string, RegExp>();
function keyPattern(key: string): RegExp {
  let pattern = keyPatterns.get(key);
  // `key:`, `"key":`, `'key':`, `key :` (keys are fixed lowercase words, safe in a pattern).
  if (pattern === undefined) keyPatterns.set(key, (pattern = new RegExp(`^(?:${key}|"${key}"|'${key}')[ \t]*:(?:[ \t]|$)`)));
  return pattern;
}
