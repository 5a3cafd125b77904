/** File names from questions: readable, safe on every file system, Chinese kept as it is. Pure. */
import { stripQuestionNumber } from './text.js';

const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)$/i; // Windows device names
const MAX_SLUG_CHARS = 60;

/** "Why do you want to work at Acme?" → "why-do-you-want-to-work-at-acme"; "你的优点是什么？" → "你的优点是什么". */
export function slugify(question: string): string {
  const words = stripQuestionNumber(question.normalize('NFKC').toLowerCase())
    .replace(/['’]/g, '')
    .replace(/[^\p{L}\p{N}\p{M}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  const chars = [...words];
  let slug = chars.slice(0, MAX_SLUG_CHARS).join('');
  // A long question is cut between words when there is a break in the second half (not mid-word:
  // "…working-on-it-i"); Chinese has none and is cut between characters.
  const lastBreak = slug.lastIndexOf('-');
  if (chars.length > MAX_SLUG_CHARS && chars[MAX_SLUG_CHARS] !== '-' && lastBreak >= slug.length / 2) slug = slug.slice(0, lastBreak);
  slug = slug.replace(/-+$/g, '');
  if (slug === '') slug = 'question';
  if (RESERVED.test(slug)) slug = `${slug}-question`;
  return slug;
}
