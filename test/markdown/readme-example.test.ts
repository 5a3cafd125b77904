/** The complete example answer file in README.md parses cleanly into the card README describes. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { parseAnswerFile } from '../../src/markdown/parse.js';

const readme = readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../README.md'), 'utf8');

it('README example answer file is a valid card with every section', () => {
  const example = /```markdown\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(example, 'README.md has no ```markdown example').toBeDefined();
  const { cards, problems } = parseAnswerFile(example!, 'behavioural/disagreed-with-manager.md');
  expect(problems).toEqual([]);
  expect(cards).toHaveLength(1);
  const card = cards[0]!;
  expect(card).toMatchObject({
    id: 'disagreed-with-manager',
    idSource: 'front-matter',
    tags: ['behavioural', 'conflict'],
    company: 'Acme',
    timeLimitSec: 120,
    keyPointsSource: 'section',
    followUps: ['What would you have done if he had said no?', 'How did the team react?'],
  });
  expect(Object.keys(card.sections).sort()).toEqual(['followUps', 'full', 'keyPoints', 'notes', 'short']);
  expect(card.sections.full!.markdown).toContain('### Situation');
  expect(card.sections.full!.spokenSec).toBeLessThanOrEqual(card.timeLimitSec);
});

it('README documents every section heading and default time limit the code knows', async () => {
  const { SECTION_HEADINGS } = await import('../../src/markdown/section-names.js');
  for (const names of Object.values(SECTION_HEADINGS)) for (const name of names) expect(readme).toContain(name);
  const { TIME_LIMIT_TABLE } = await import('../../src/core/time-limits.js');
  for (const [, tags] of TIME_LIMIT_TABLE) expect(readme).toContain(`| ${tags.join(', ')} |`);
});
