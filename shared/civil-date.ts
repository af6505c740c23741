/**
 * Calendar dates ("civil dates", YYYY-MM-DD) and their relation to instants in an IANA time zone, using only Intl.
 *
 * A civil date has no time zone: adding days or years is plain proleptic-Gregorian arithmetic. Only two functions touch
 * a zone: `localDateOf` (which date is it at this instant, in that zone) and `startOfLocalDay` (the first instant of a
 * date in that zone, correct across DST changes, including zones whose midnight is skipped).
 *
 * Adding years to 29 February in a common year gives 28 February (Temporal's and java.time's "constrain" rule).
 */

export type CivilDate = string;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

export interface CivilDateParts {
  year: number;
  month: number;
  day: number;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  return [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

export function isCivilDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

export function parseCivilDate(s: CivilDate): CivilDateParts {
  if (!isCivilDate(s)) throw new RangeError(`"${s}" is not a calendar date in the form YYYY-MM-DD`);
  const m = DATE_RE.exec(s)!;
  return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
}

export function formatCivilDate({ year, month, day }: CivilDateParts): CivilDate {
  if (year < 1 || year > 9999) throw new RangeError(`year ${year} is outside 0001-9999`);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Milliseconds since the epoch of a UTC wall-clock reading; safe for years below 100, unlike Date.UTC. */
function utcMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  return d.getTime();
}

function fromUtcMs(ms: number): CivilDate {
  const d = new Date(ms);
  return formatCivilDate({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() });
}

/** The date `days` calendar days after `date` (negative: before). */
export function addDays(date: CivilDate, days: number): CivilDate {
  if (!Number.isInteger(days)) throw new RangeError(`days must be a whole number, got ${days}`);
  const { year, month, day } = parseCivilDate(date);
  return fromUtcMs(utcMs(year, month, day) + days * MS_PER_DAY);
}

/** The same month and day `years` later (negative: earlier); 29 February becomes 28 February in a common year. */
export function addYears(date: CivilDate, years: number): CivilDate {
  if (!Number.isInteger(years)) throw new RangeError(`years must be a whole number, got ${years}`);
  const { year, month, day } = parseCivilDate(date);
  const y = year + years;
  return formatCivilDate({ year: y, month, day: Math.min(day, daysInMonth(y, month)) });
}

/** Whole days from `a` to `b` (positive when b is later). */
export function daysBetween(a: CivilDate, b: CivilDate): number {
  const pa = parseCivilDate(a);
  const pb = parseCivilDate(b);
  return Math.round((utcMs(pb.year, pb.month, pb.day) - utcMs(pa.year, pa.month, pa.day)) / MS_PER_DAY);
}

/** -1, 0 or 1; YYYY-MM-DD strings order like the dates they name. */
export function compareCivilDates(a: CivilDate, b: CivilDate): number {
  parseCivilDate(a);
  parseCivilDate(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Time zones

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US-u-ca-gregory-nu-latn', {
        timeZone,
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
        hourCycle: 'h23',
        era: 'short',
      });
    } catch {
      throw new RangeError(`"${timeZone}" is not an IANA time zone (for example "America/Chicago")`);
    }
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

function checkInstant(instant: Date): number {
  const t = instant instanceof Date ? instant.getTime() : Number.NaN;
  if (!Number.isFinite(t)) throw new RangeError('expected a valid Date');
  return t;
}

/** The wall-clock reading at `t` in the zone, expressed as if it were UTC (milliseconds). */
function wallClockMs(t: number, timeZone: string): number {
  const parts: Record<string, string> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(t))) parts[p.type] = p.value;
  if (parts.era !== 'AD') throw new RangeError('dates before year 1 are not supported');
  const ms = ((t % 1000) + 1000) % 1000;
  return utcMs(Number(parts.year), Number(parts.month), Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second)) + ms;
}

/** The zone's UTC offset at instant `t`, in milliseconds (local = UTC + offset). */
export function utcOffsetMs(instant: Date, timeZone: string): number {
  const t = checkInstant(instant);
  return wallClockMs(t, timeZone) - t;
}

/** The calendar date in `timeZone` at `instant`. */
export function localDateOf(instant: Date, timeZone: string): CivilDate {
  return fromUtcMs(wallClockMs(checkInstant(instant), timeZone));
}

/**
 * The first instant of `date` in `timeZone`: normally local midnight; where midnight is skipped by a DST change
 * (e.g. America/Santiago), the instant the clocks jump; where midnight repeats, the first of the two.
 */
export function startOfLocalDay(date: CivilDate, timeZone: string): Date {
  const { year, month, day } = parseCivilDate(date);
  const midnight = utcMs(year, month, day);
  const isStart = (t: number) => localDateOf(new Date(t), timeZone) === date && localDateOf(new Date(t - 1), timeZone) !== date;
  // Every zone offset in force within a day of this date; the day starts at midnight minus one of them (for a skipped
  // midnight: minus the offset before the change, which is the instant of the change).
  const offsets = new Set<number>();
  for (const probe of [midnight - MS_PER_DAY, midnight, midnight + MS_PER_DAY]) {
    const o = wallClockMs(probe, timeZone) - probe;
    offsets.add(o);
    offsets.add(wallClockMs(midnight - o, timeZone) - (midnight - o));
  }
  const starts = [...offsets].map((o) => midnight - o).filter(isStart);
  if (starts.length > 0) return new Date(Math.min(...starts));
  // Unusual zone history: find the day boundary by bisection over the widest possible offset range.
  let lo = midnight - 26 * 3_600_000; // certainly an earlier date
  let hi = midnight + 26 * 3_600_000; // certainly this date or later
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (localDateOf(new Date(mid), timeZone) >= date) hi = mid;
    else lo = mid;
  }
  return new Date(hi);
}
