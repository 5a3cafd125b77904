/** Default time limits by tag, used when an answer file gives no `time:`. Documented in README. */

export const DEFAULT_TIME_LIMIT_SEC = 120;

const LIMITS: ReadonlyArray<readonly [seconds: number, tags: readonly string[]]> = [
  [120, ['behavioural', 'behavioral', 'star', 'story', 'leadership', 'conflict', 'teamwork']],
  [90, ['motivation', 'why-company', 'why-us', 'intro', 'about-me', 'strengths', 'weaknesses', 'career', 'hr', 'culture']],
  [180, ['technical', 'tech', 'concept', 'coding', 'experience']],
  [300, ['system-design', 'design', 'architecture']],
];

/** Tag spelling is forgiving: "System Design", "system_design" and "system-design" are one tag. */
export function normalizeTag(tag: string): string {
  return tag.normalize('NFKC').trim().toLowerCase().replace(/[\s_]+/g, '-');
}

/** The longest default among the card's tags (a story told in a design interview keeps its room). */
export function defaultTimeLimit(tags: readonly string[]): { seconds: number; fromTag: boolean } {
  let best: number | undefined;
  for (const tag of tags.map(normalizeTag)) {
    for (const [seconds, names] of LIMITS) {
      if (names.includes(tag) && (best === undefined || seconds > best)) best = seconds;
    }
  }
  return best === undefined ? { seconds: DEFAULT_TIME_LIMIT_SEC, fromTag: false } : { seconds: best, fromTag: true };
}

export const TIME_LIMIT_TABLE = LIMITS;
