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
  let slug = [...words].slice(0, MAX_SLUG_CHARS).join('').replace(/-+$/g, '');
  if (slug === '') slug = 'question';
  if (RESERVED.test(slug)) slug = `${slug}-question`;
  return slug;
}
