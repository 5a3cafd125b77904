/**
 * Typing mode: which of a card's key points a typed answer covers. Pure.
 *
 * Text is compared as sets of terms, case- and punctuation-insensitively (NFKC, lower case).
 * Latin-script text is split into words (common function words dropped, a light suffix
 * stemming so "services" matches "service"). CJK text is not segmented into dictionary words
 * (segmenters split terms like 灰度发布 apart); each run of CJK characters becomes its
 * character bigrams instead, so 灰度发布 matches inside 我们用灰度发布上线.
 * A key point is covered when enough of its terms appear in the answer: all of them for one or
 * two terms, at least half for longer points (which are usually sentences, paraphrased).
 */
import type { Grade } from './progress-model.js';

const CJK_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const TOKEN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+|[\p{L}\p{N}\p{M}]+/gu;

const STOP_WORDS = new Set(
  (
    'a an the and or but of to in on at by for with from as is are was were be been being am it its this that these those ' +
    'i me my we our us you your he she they them their his her do does did have has had not no so if then than too very ' +
    'can will would should could just also into about over out up what which who how when where why there here'
  ).split(' '),
);

/** A light English stemmer: enough to match plurals and -ing/-ed forms, never dictionary-based. */
function stem(word: string): string {
  if (!/^[a-z]+$/.test(word) || word.length <= 3) return word;
  let w = word;
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('ing') && w.length > 5) w = w.slice(0, -3);
  else if (w.endsWith('ed') && w.length > 4) w = w.slice(0, -2);
  else if (/(ch|sh|ss|x|z)es$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  if (w.endsWith('e') && w.length > 4) w = w.slice(0, -1);
  return w;
}

/** Markdown that is not words: comments, link targets, emphasis marks (punctuation goes anyway). */
function stripMarkdown(text: string): string {
  return text.replace(/<!--[\s\S]*?-->/g, ' ').replace(/\]\([^)]*\)/g, ' ');
}

/** The terms of a text: stemmed words and CJK bigrams (a lone CJK character stands for itself). */
export function terms(text: string): string[] {
  const out: string[] = [];
  const normal = stripMarkdown(text).normalize('NFKC').toLowerCase();
  for (const token of normal.match(TOKEN) ?? []) {
    if (CJK_CHAR.test(token)) {
      const chars = [...token];
      if (chars.length === 1) out.push(chars[0]!);
      for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
    } else if (!STOP_WORDS.has(token)) {
      out.push(stem(token));
    }
  }
  return out;
}

export interface KeyPointCheck {
  point: string;
  covered: boolean;
  /** Distinct terms of the point found in the answer, out of `total`. */
  matched: number;
  total: number;
}

export interface Coverage {
  points: KeyPointCheck[];
  covered: number;
  /** Key points that have any terms to look for. */
  total: number;
  /** Undefined when the card has no key points to check. */
  suggested: Grade | undefined;
}

/** Terms needed for a point with `total` distinct terms to count as covered. */
export function termsNeeded(total: number): number {
  return total <= 2 ? total : Math.ceil(total / 2);
}

export function checkKeyPoints(keyPoints: readonly string[], answer: string): Coverage {
  const said = new Set(terms(answer));
  const points = keyPoints.map((point) => {
    const wanted = new Set(terms(point));
    let matched = 0;
    for (const t of wanted) if (said.has(t)) matched++;
    return { point, covered: wanted.size > 0 && matched >= termsNeeded(wanted.size), matched, total: wanted.size };
  });
  const checked = points.filter((p) => p.total > 0);
  const covered = checked.filter((p) => p.covered).length;
  return { points, covered, total: checked.length, suggested: checked.length === 0 ? undefined : suggestFromCoverage(covered, checked.length) };
}

/** Every point → Good; at least half → Hard; fewer → Again. */
export function suggestFromCoverage(covered: number, total: number): Grade {
  if (covered >= total) return 3;
  if (covered * 2 >= total) return 2;
  return 1;
}
