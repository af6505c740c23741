/** #17.5: times name the test center's zone, and add the candidate's own time when their zone differs. */
import { describe, expect, it } from 'vitest';
import { formatZoned, formatZonedCompact } from '../../../client/src/lib/zoned-time.ts';

describe('formatZoned', () => {
  const at = '2026-12-08T15:00:00.000Z'; // 9:00 in Chicago (CST), 10:00 in New York (EST)

  it('names the center zone, and says nothing more when the candidate is in it', () => {
    expect(formatZoned(at, 'America/Chicago', 'date-time', 'America/Chicago', 'en-US')).toBe('Dec 8, 2026, 9:00 AM CST (America/Chicago)');
  });

  it("adds the candidate's own time and zone when it differs", () => {
    expect(formatZoned(at, 'America/Chicago', 'date-time', 'America/New_York', 'en-US')).toBe('Dec 8, 2026, 9:00 AM CST (America/Chicago) · 10:00 AM EST your time (America/New_York)');
  });

  it('gives the local date too when it is another day there', () => {
    expect(formatZoned('2026-12-08T23:30:00.000Z', 'America/Chicago', 'date-time', 'Asia/Tokyo', 'en-US')).toBe('Dec 8, 2026, 5:30 PM CST (America/Chicago) · Dec 9, 8:30 AM GMT+9 your time (Asia/Tokyo)');
  });

  it('treats a zone with the same offset at that instant as the same (no repetition)', () => {
    expect(formatZoned(at, 'America/Chicago', 'date-time', 'America/Winnipeg', 'en-US')).toBe('Dec 8, 2026, 9:00 AM CST (America/Chicago)');
  });

  it('dates alone name the zone; bad input is returned as it came', () => {
    expect(formatZoned(at, 'America/Chicago', 'date', 'Europe/Paris', 'en-US')).toBe('Dec 8, 2026 (America/Chicago)');
    expect(formatZoned('not a date', 'America/Chicago')).toBe('not a date');
  });
});

describe('formatZonedCompact (the proctor console)', () => {
  const at = '2026-12-08T15:05:09.000Z';
  it('names the zone on every time, whatever the browser zone', () => {
    expect(formatZonedCompact(at, 'America/Chicago', 'time', 'en-US')).toBe('9:05 AM CST');
    expect(formatZonedCompact(at, 'America/Chicago', 'time-seconds', 'en-US')).toBe('9:05:09 AM CST');
    expect(formatZonedCompact(at, 'America/Chicago', 'date-time-seconds', 'en-US')).toBe('12/8/26, 9:05:09 AM CST');
    expect(formatZonedCompact('2026-07-08T15:05:09.000Z', 'America/Chicago', 'time', 'en-US')).toBe('10:05 AM CDT');
    expect(formatZonedCompact(at, 'Europe/Paris', 'time', 'en-GB')).toBe('16:05 CET');
  });
  it('bad input comes back as it was', () => {
    expect(formatZonedCompact('soon', 'America/Chicago')).toBe('soon');
  });
});
