import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  addYears,
  daysBetween,
  isCivilDate,
  isValidTimeZone,
  localDateOf,
  startOfLocalDay,
  utcOffsetMs,
} from '../../../shared/civil-date.ts';

const H = 3_600_000;

describe('civil dates', () => {
  it('validates YYYY-MM-DD including leap days', () => {
    expect(isCivilDate('2028-02-29')).toBe(true);
    expect(isCivilDate('2026-02-29')).toBe(false);
    expect(isCivilDate('2100-02-29')).toBe(false);
    expect(isCivilDate('2000-02-29')).toBe(true);
    expect(isCivilDate('2026-04-31')).toBe(false);
    expect(isCivilDate('2026-4-01')).toBe(false);
    expect(() => addDays('2026-13-01', 1)).toThrow(RangeError);
  });

  it('adds days across month ends, year ends and leap days', () => {
    expect(addDays('2026-01-31', 15)).toBe('2026-02-15');
    expect(addDays('2026-02-20', 15)).toBe('2026-03-07');
    expect(addDays('2028-02-14', 15)).toBe('2028-02-29');
    expect(addDays('2028-02-20', 15)).toBe('2028-03-06');
    expect(addDays('2026-12-20', 15)).toBe('2027-01-04');
    expect(addDays('2028-01-15', 60)).toBe('2028-03-15');
    expect(addDays('2026-01-15', 60)).toBe('2026-03-16');
    expect(addDays('2031-03-02', -90)).toBe('2030-12-02');
  });

  it('adds years, turning 29 February into 28 February in common years', () => {
    expect(addYears('2026-03-02', 5)).toBe('2031-03-02');
    expect(addYears('2028-02-29', 2)).toBe('2030-02-28');
    expect(addYears('2028-02-29', 4)).toBe('2032-02-29');
    expect(addYears('2033-02-28', -5)).toBe('2028-02-28');
    expect(addYears('2024-02-29', 76)).toBe('2100-02-28');
  });

  it('addDays and daysBetween are inverse', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 * 365 }), fc.integer({ min: -5000, max: 5000 }), (offset, n) => {
        const d = addDays('1950-01-01', offset);
        expect(daysBetween(d, addDays(d, n))).toBe(n);
        expect(addDays(addDays(d, n), -n)).toBe(d);
      }),
    );
  });
});

describe('time zones', () => {
  it('knows valid zones', () => {
    expect(isValidTimeZone('America/Chicago')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(() => localDateOf(new Date('2026-01-01T00:00:00Z'), 'Mars/Olympus_Mons')).toThrow(/IANA/);
    expect(() => localDateOf(new Date(Number.NaN), 'UTC')).toThrow(RangeError);
  });

  it('gives the local date of an instant', () => {
    const t = new Date('2026-03-03T05:30:00Z'); // 23:30 on 2 March in Chicago (CST, UTC−6)
    expect(localDateOf(t, 'UTC')).toBe('2026-03-03');
    expect(localDateOf(t, 'America/Chicago')).toBe('2026-03-02');
    expect(localDateOf(t, 'Asia/Tokyo')).toBe('2026-03-03');
    expect(localDateOf(new Date('2026-03-02T10:30:00Z'), 'Pacific/Kiritimati')).toBe('2026-03-03'); // UTC+14
    expect(localDateOf(new Date('2026-03-02T10:30:00Z'), 'Pacific/Pago_Pago')).toBe('2026-03-01'); // UTC−11
    expect(utcOffsetMs(t, 'Asia/Kolkata')).toBe(5.5 * H);
  });

  it('finds the start of a local day across DST changes', () => {
    expect(startOfLocalDay('2026-03-02', 'America/Chicago').toISOString()).toBe('2026-03-02T06:00:00.000Z');
    expect(startOfLocalDay('2026-03-08', 'America/Chicago').toISOString()).toBe('2026-03-08T06:00:00.000Z'); // spring-forward day
    expect(startOfLocalDay('2026-03-09', 'America/Chicago').toISOString()).toBe('2026-03-09T05:00:00.000Z');
    expect(startOfLocalDay('2026-11-01', 'America/New_York').toISOString()).toBe('2026-11-01T04:00:00.000Z'); // fall-back day
    expect(startOfLocalDay('2026-11-02', 'America/New_York').toISOString()).toBe('2026-11-02T05:00:00.000Z');
    expect(startOfLocalDay('2026-03-29', 'Europe/Berlin').toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(startOfLocalDay('2026-03-02', 'Asia/Kolkata').toISOString()).toBe('2026-03-01T18:30:00.000Z');
  });

  it('handles a skipped midnight (Santiago: 6 Sep 2026 starts at 01:00) and a repeated one (Havana: 1 Nov 2026)', () => {
    const s = startOfLocalDay('2026-09-06', 'America/Santiago');
    expect(s.toISOString()).toBe('2026-09-06T04:00:00.000Z');
    expect(localDateOf(new Date(s.getTime() - 1), 'America/Santiago')).toBe('2026-09-05');
    expect(startOfLocalDay('2026-11-01', 'America/Havana').toISOString()).toBe('2026-11-01T04:00:00.000Z');
  });

  it('the start of the local day holds the instant’s date and the millisecond before does not', () => {
    const zones = ['UTC', 'America/Chicago', 'America/New_York', 'America/Santiago', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Pacific/Chatham', 'Europe/London'];
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }), fc.constantFrom(...zones), (ms, tz) => {
        const date = localDateOf(new Date(ms), tz);
        const start = startOfLocalDay(date, tz);
        expect(start.getTime()).toBeLessThanOrEqual(ms);
        expect(localDateOf(start, tz)).toBe(date);
        expect(localDateOf(new Date(start.getTime() - 1), tz)).toBe(addDays(date, -1));
      }),
      { numRuns: 300 },
    );
  });
});
