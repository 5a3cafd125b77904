import { describe, expect, it } from 'vitest';
import { addDays, rolloversBetween, studyDay, studyDaysBetween } from '../../src/core/study-day.js';

describe('studyDay', () => {
  it('rolls over at 4 a.m., not midnight', () => {
    expect(studyDay(new Date('2026-11-22T03:59:59Z'), 'UTC')).toBe('2026-11-21');
    expect(studyDay(new Date('2026-11-22T04:00:00Z'), 'UTC')).toBe('2026-11-22');
    expect(studyDay(new Date('2026-11-22T23:59:00Z'), 'UTC')).toBe('2026-11-22');
  });

  it('uses local time in the given zone', () => {
    const at = new Date('2026-11-22T19:30:00Z'); // 03:30 on the 23rd in Shanghai, 14:30 on the 22nd in New York
    expect(studyDay(at, 'Asia/Shanghai')).toBe('2026-11-22');
    expect(studyDay(new Date('2026-11-22T20:30:00Z'), 'Asia/Shanghai')).toBe('2026-11-23');
    expect(studyDay(at, 'America/New_York')).toBe('2026-11-22');
    expect(studyDay(new Date('2026-11-23T08:30:00Z'), 'America/New_York')).toBe('2026-11-22'); // 03:30 EST
  });

  it('handles a daylight-saving change (New York, 2026-11-01)', () => {
    // Clocks go back at 2 a.m. EDT; 4 a.m. EST is 09:00Z.
    expect(studyDay(new Date('2026-11-01T08:59:00Z'), 'America/New_York')).toBe('2026-10-31');
    expect(studyDay(new Date('2026-11-01T09:00:00Z'), 'America/New_York')).toBe('2026-11-01');
  });

  it('counts whole study days between two times', () => {
    expect(studyDaysBetween(new Date('2026-11-22T23:00:00Z'), new Date('2026-11-23T03:00:00Z'), 'UTC')).toBe(0);
    expect(studyDaysBetween(new Date('2026-11-22T23:00:00Z'), new Date('2026-11-23T04:00:00Z'), 'UTC')).toBe(1);
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});

describe('rolloversBetween', () => {
  it('counts the study days from now to a time as studyDay does, in the machine zone, across daylight saving', () => {
    const saved = process.env.TZ;
    let compared = 0;
    try {
      for (const zone of ['UTC', 'America/New_York', 'Europe/London', 'America/Santiago', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Pacific/Chatham']) {
        process.env.TZ = zone; // node re-reads the zone for Date's local fields
        for (const clock of ['2026-03-08T06:30:00Z', '2026-03-29T00:59:00Z', '2026-04-05T03:00:00Z', '2026-09-06T04:10:00Z', '2026-10-25T01:00:00Z', '2026-11-01T05:59:00Z', '2026-11-22T16:00:00Z']) {
          const now = Date.parse(clock);
          const until = now + 16 * 86_400_000;
          const rollovers = rolloversBetween(now, until);
          expect(rollovers.at(-1)!).toBeGreaterThan(until);
          for (let due = now; due <= until; due += 17 * 60_000 + 13_000) {
            let offset = 0;
            while (rollovers[offset]! <= due) offset++;
            expect(offset, `${zone} ${clock} ${new Date(due).toISOString()}`).toBe(studyDaysBetween(new Date(now), new Date(due)));
            compared++;
          }
        }
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
    expect(compared).toBeGreaterThan(50_000);
  });
});
