/** `prep list` as lines of text. Pure. */
import type { ChalkInstance } from 'chalk';
import { isToPrepare, versionForLimit, type CardSummary } from '../core/card.js';
import { formatDuration } from '../core/text.js';
import { safeLine } from './sanitize.js';
import { renderTable } from './table.js';

/** The table of `cards` (summaries: what the deck cache answers without reviving a card). */
export function renderList(cards: readonly CardSummary[], columns: number, c: ChalkInstance): string[] {
  const rows = cards.map((card) => {
    const version = versionForLimit(card);
    const spoken = version ? card.spokenSec[version] : undefined;
    const versions = [...(card.keyPoints > 0 && card.keyPointsSource === 'section' ? ['key points'] : []), ...card.versions];
    return {
      card,
      over: spoken !== undefined && spoken > card.timeLimitSec,
      cells: [
        safeLine(card.question),
        safeLine(card.tags.join(', ')),
        safeLine(card.company ?? ''),
        formatDuration(card.timeLimitSec),
        isToPrepare(card) ? 'to prepare' : versions.join(', '),
        spoken === undefined ? '-' : `${formatDuration(spoken)}${version === 'short' && card.versions.includes('full') ? ' (short)' : ''}`,
      ],
    };
  });
  return renderTable(
    [
      { header: 'QUESTION', flexible: true },
      { header: 'TAGS', max: 24, drop: 2 },
      { header: 'COMPANY', max: 16, drop: 1 },
      { header: 'LIMIT', align: 'right' },
      { header: 'VERSIONS', max: 28, drop: 3 },
      { header: 'SPOKEN', align: 'left' },
    ],
    rows.map((r) => r.cells),
    columns,
    (column, text, row) => {
      const r = rows[row]!;
      if (column === 5 && r.over) return c.red(text);
      if (column === 4 && isToPrepare(r.card)) return c.yellow(text);
      if (column === 1 || column === 2) return c.dim(text);
      return text;
    },
    (text) => c.bold(text),
    // Narrow terminals lose company, then tags, then versions, before the question gets this narrow.
    { minFlexible: 30 },
  );
}

export function listFooter(cards: readonly CardSummary[], files: number, c: ChalkInstance): string {
  const toPrepare = cards.filter(isToPrepare).length;
  const parts = [`${cards.length} ${cards.length === 1 ? 'card' : 'cards'} in ${files} ${files === 1 ? 'file' : 'files'}`];
  if (toPrepare > 0) parts.push(`${toPrepare} to prepare`);
  return c.dim(parts.join(' · '));
}
