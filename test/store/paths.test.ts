import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultProgressFile, displayPath, journalFileFor, locationsFor } from '../../src/store/paths.js';

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

  it('shows paths relative to where the user is when that stays near, else absolute', () => {
    const cwd = '/home/me/interview/answers';
    expect(displayPath('/home/me/interview/answers/why.md', cwd)).toBe('why.md');
    expect(displayPath('/home/me/interview/.prep/progress.json', cwd)).toBe(path.join('..', '.prep', 'progress.json'));
    expect(displayPath('/home/me/other/notes.md', cwd)).toBe(path.join('..', '..', 'other', 'notes.md'));
    expect(displayPath('/srv/decks/answers/why.md', cwd)).toBe('/srv/decks/answers/why.md');
    // two folders up is the root: nothing near in common
    expect(displayPath('/work/shared/notes.txt', '/tmp/kc')).toBe('/work/shared/notes.txt');
    expect(displayPath(cwd, cwd)).toBe(cwd);
    expect(displayPath('/home/me/interview', cwd)).toBe('/home/me/interview'); // a bare .. says less than the path
  });
});
