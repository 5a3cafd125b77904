/** The card model: one interview question with the answer the user prepared for it. */

export const SECTION_NAMES = ['keyPoints', 'short', 'full', 'answer', 'notes', 'followUps'] as const;
export type SectionName = (typeof SECTION_NAMES)[number];

/** Sections that are something to say out loud, in the order drill prefers them when they fit. */
export const SPOKEN_VERSIONS = ['short', 'answer', 'full'] as const;
export type SpokenVersion = (typeof SPOKEN_VERSIONS)[number];

export interface Section {
  /** The user's markdown for this section, verbatim (without its heading). */
  markdown: string;
  /** 1-based line in the file where the section starts (its heading, or its first line). */
  line: number;
  /** Estimated seconds to say it out loud. */
  spokenSec: number;
}

export interface Card {
  id: string;
  idSource: 'front-matter' | 'comment' | 'derived';
  question: string;
  tags: string[];
  company: string | null;
  timeLimitSec: number;
  timeLimitSource: 'front-matter' | 'tag' | 'default';
  /** Path relative to the deck folder, with forward slashes. */
  file: string;
  /** 1-based line of the question in the file. */
  line: number;
  sections: Partial<Record<SectionName, Section>>;
  /** Points the answer must cover; from the key points section, else the answer's bold phrases. */
  keyPoints: string[];
  keyPointsSource: 'section' | 'emphasis' | 'none';
  followUps: string[];
  /** Hash of the answer body; changes when the answer is edited. */
  contentHash: string;
}

export function spokenVersions(card: Card): SpokenVersion[] {
  return SPOKEN_VERSIONS.filter((name) => card.sections[name] !== undefined);
}

/** A question with nothing to say yet: the user still has to prepare it. A card's summary records it. */
export function isToPrepare(card: Card | CardSummary): boolean {
  if ('status' in card) return card.status === 'to-prepare';
  return spokenVersions(card).length === 0 && card.keyPoints.length === 0;
}

/**
 * The version to rehearse within the limit: the fullest one that fits (full, else the answer, else
 * the short version: what the user called it, even when a "short" version takes longer to say),
 * else the quickest to say. Undefined for a card with nothing to say yet. Works on a card or on its summary.
 */
export function versionForLimit(card: Card | CardSummary, limitSec: number = card.timeLimitSec): SpokenVersion | undefined {
  const present = 'status' in card ? [...card.versions] : spokenVersions(card);
  const spoken = (v: SpokenVersion) => ('status' in card ? card.spokenSec[v]! : card.sections[v]!.spokenSec);
  const fullest = [...SPOKEN_VERSIONS].reverse().find((v) => present.includes(v) && spoken(v) <= limitSec);
  return fullest ?? present.sort((a, b) => spoken(a) - spoken(b))[0];
}

/** Shortest time needed to say any version of the answer; undefined when there is none. */
export function shortestSpokenSec(card: Card): number | undefined {
  const times = spokenVersions(card).map((v) => card.sections[v]!.spokenSec);
  return times.length > 0 ? Math.min(...times) : undefined;
}

/** The shape `prep list --json` prints: stable, documented in README. */
export interface CardSummary {
  id: string;
  question: string;
  tags: string[];
  company: string | null;
  file: string;
  line: number;
  timeLimitSec: number;
  versions: SpokenVersion[];
  spokenSec: Partial<Record<SpokenVersion, number>>;
  keyPoints: number;
  /** Where the key points come from: a key points section, the answer's bold phrases, or none. */
  keyPointsSource: Card['keyPointsSource'];
  status: 'ready' | 'to-prepare';
  contentHash: string;
}

export function summarizeCard(card: Card): CardSummary {
  const versions = spokenVersions(card);
  const spokenSec: Partial<Record<SpokenVersion, number>> = {};
  for (const v of versions) spokenSec[v] = card.sections[v]!.spokenSec;
  return {
    id: card.id,
    question: card.question,
    tags: card.tags,
    company: card.company,
    file: card.file,
    line: card.line,
    timeLimitSec: card.timeLimitSec,
    versions,
    spokenSec,
    keyPoints: card.keyPoints.length,
    keyPointsSource: card.keyPointsSource,
    status: isToPrepare(card) ? 'to-prepare' : 'ready',
    contentHash: card.contentHash,
  };
}
