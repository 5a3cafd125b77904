/** Text helpers shared by the parser, the deck checks and key-point matching. Pure. */

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const CJK_GLOBAL = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu;
// A "word" for speaking purposes: letters or digits that are not CJK (those are counted per character).
const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’.-]*/gu;

export const ENGLISH_WORDS_PER_MIN = 150;
export const CJK_CHARS_PER_MIN = 200;

export function containsCjk(text: string): boolean {
  return CJK.test(text);
}

/** Estimated seconds to say `text` aloud: ~150 English words/min plus ~200 CJK characters/min. */
export function spokenSeconds(text: string): number {
  const cjkChars = text.match(CJK_GLOBAL)?.length ?? 0;
  const withoutCjk = text.replace(CJK_GLOBAL, ' ');
  const words = withoutCjk.match(WORD)?.length ?? 0;
  return Math.round((words / ENGLISH_WORDS_PER_MIN + cjkChars / CJK_CHARS_PER_MIN) * 60);
}

/**
 * The form two questions are compared in: width-folded (NFKC), lower case, without
 * list numbering, punctuation or spacing. "1. Why us?" and "why  US" are the same question.
 */
export function normalizeQuestion(question: string): string {
  return stripQuestionNumber(question.normalize('NFKC').toLowerCase()).replace(/[\p{P}\p{S}\s]+/gu, '');
}

/** A question without its list numbering: "1. ", "2.1) ", "q3: ", "3、" (expects lower case). */
export function stripQuestionNumber(question: string): string {
  return question.replace(/^\s*(?:q\s*\d*\s*[:.)]|\d+(?:\.\d+)*\s*[.)、:]?)\s*/u, '');
}

/** "90s", "2m", "1m30s", "1:30", "2 min", "90" (seconds) → seconds; undefined when unreadable. */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? Math.round(value) : undefined;
  const text = value.trim().toLowerCase();
  let match = /^(\d+):([0-5]\d)$/.exec(text);
  if (match) return Number(match[1]) * 60 + Number(match[2]);
  match = /^(?:(\d+(?:\.\d+)?)\s*(?:m|min|mins|minutes?))?\s*(?:(\d+)\s*(?:s|sec|secs|seconds?))?$/.exec(text);
  if (match && (match[1] !== undefined || match[2] !== undefined)) {
    const seconds = Math.round(Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0));
    return seconds > 0 ? seconds : undefined;
  }
  if (/^\d+$/.test(text)) return Number(text) > 0 ? Number(text) : undefined;
  return undefined;
}

/** 75 → "1m15s", 120 → "2m", 45 → "45s". */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const m = Math.floor(total / 60);
  const s = total % 60;
  if (m === 0) return `${s}s`;
  return s === 0 ? `${m}m` : `${m}m${String(s).padStart(2, '0')}s`;
}
