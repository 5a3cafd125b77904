import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultProgressFile, journalFileFor, locationsFor } from '../../src/store/paths.js';

describe('where prep keeps its files', () => {
  it('keeps .prep beside the deck folder, and progress.json in it', () => {
    const locations = locationsFor(path.join('/home/me/interview', 'answers'));
    expect(locations.prepDir).toBe(path.join('/home/me/interview', '.prep'));
    expect(defaultProgressFile(locations)).toBe(path.join('/home/me/interview', '.prep', 'progress.json'));
  });

  it('puts the journal beside the progress file, replacing a .json ending only', () => {
    expect(journalFileFor('/a/progress.json')).toBe('/a/progress.journal');
    expect(journalFileFor('/a/p.json.json')).toBe('/a/p.json.journal');
    expect(journalFileFor('/a/progress')).toBe('/a/progress.journal');
    expect(journalFileFor('/a/b.JSON')).toBe('/a/b.JSON.journal');
  });
});
