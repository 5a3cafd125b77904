/** Text helpers shared by the parser, the deck checks and key-point matching. Pure. */

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const CJK_ONE = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]$/u;
const LETTER_OR_DIGIT_ONE = /^[\p{L}\p{N}]$/u;

export const ENGLISH_WORDS_PER_MIN = 150;
export const CJK_CHARS_PER_MIN = 200;

export function containsCjk(text: string): boolean {
  return CJK.test(text);
}

const OTHER = 1;
const LETTER_OR_DIGIT = 2;
const CJK_CHAR = 3;
/** Class of each BMP code point, filled in as met (0: not classified yet); the regexes run once per character. */
const bmpClass = new Uint8Array(0x10000);
const astralClass = new Map<number, number>();

function classOf(codePoint: number): number {
  const known = codePoint < 0x10000 ? bmpClass[codePoint]! : astralClass.get(codePoint);
  if (known) return known;
  const char = String.fromCodePoint(codePoint);
  const found = CJK_ONE.test(char) ? CJK_CHAR : LETTER_OR_DIGIT_ONE.test(char) ? LETTER_OR_DIGIT : OTHER;
  if (codePoint < 0x10000) bmpClass[codePoint] = found;
  else astralClass.set(codePoint, found);
  return found;
}

/**
 * Estimated seconds to say `text` aloud: ~150 English words/min plus ~200 CJK characters/min.
 * A word is a letter or digit that is not CJK, followed by more of those or ' ’ . - (CJK characters
 * count one each). One pass over the text without building strings: the cold parse of a 10,000-card
 * deck spent about a second here with regex matches.
 */
export function spokenSeconds(text: string): number {
  let words = 0;
  let cjkChars = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    let kind: number;
    if (code < 0x80) {
      const lower = code | 0x20;
      kind = (code >= 0x30 && code <= 0x39) || (lower >= 0x61 && lower <= 0x7a) ? LETTER_OR_DIGIT : OTHER;
      if (kind === OTHER && inWord && (code === 0x27 || code === 0x2e || code === 0x2d)) continue; // ' . - inside a word
    } else {
      if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
        const low = text.charCodeAt(i + 1);
        if (low >= 0xdc00 && low <= 0xdfff) {
          code = (code - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
          i++;
        }
      }
      kind = classOf(code);
      if (kind === OTHER && inWord && code === 0x2019) continue; // ’ inside a word
    }
    if (kind === CJK_CHAR) {
      cjkChars++;
      inWord = false;
    } else if (kind === LETTER_OR_DIGIT) {
      if (!inWord) words++;
      inWord = true;
    } else {
      inWord = false;
    }
  }
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
