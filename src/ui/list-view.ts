/** `prep list` as lines of text. Pure. */
import type { ChalkInstance } from 'chalk';
import { isToPrepare, spokenVersions, versionForLimit, type Card } from '../core/card.js';
import { formatDuration } from '../core/text.js';
import { safeLine } from './sanitize.js';
import { renderTable } from './table.js';

export function renderList(cards: readonly Card[], columns: number, c: ChalkInstance): string[] {
  const rows = cards.map((card) => {
    const version = versionForLimit(card);
    const spoken = version ? card.sections[version]!.spokenSec : undefined;
    const versions = [...(card.keyPoints.length > 0 && card.keyPointsSource === 'section' ? ['key points'] : []), ...spokenVersions(card)];
    return {
      card,
      over: spoken !== undefined && spoken > card.timeLimitSec,
      cells: [
        safeLine(card.question),
        safeLine(card.tags.join(', ')),
        safeLine(card.company ?? ''),
        formatDuration(card.timeLimitSec),
        isToPrepare(card) ? 'to prepare' : versions.join(', '),
        spoken === undefined ? '-' : `${formatDuration(spoken)}${version === 'short' && card.sections.full ? ' (short)' : ''}`,
      ],
    };
  });
  return renderTable(
    [
      { header: 'QUESTION', flexible: true },
      { header: 'TAGS', max: 24 },
      { header: 'COMPANY', max: 16 },
      { header: 'LIMIT', align: 'right' },
      { header: 'VERSIONS', max: 28 },
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
  );
}

export function listFooter(cards: readonly Card[], files: number, c: ChalkInstance): string {
  const toPrepare = cards.filter(isToPrepare).length;
  const parts = [`${cards.length} ${cards.length === 1 ? 'card' : 'cards'} in ${files} ${files === 1 ? 'file' : 'files'}`];
  if (toPrepare > 0) parts.push(`${toPrepare} to prepare`);
  return c.dim(parts.join(' · '));
}
