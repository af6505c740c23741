/**
 * Dates and times that say their zone (#17.5): always in the test center's zone, named ("9:00 AM CST
 * (America/Chicago)"); when the browser is in another zone with a different offset at that instant, the local time
 * follows ("· 10:00 AM EST your time"). Pure apart from the browser's zone, which can be passed in (tests).
 */

export type ZonedStyle = 'date-time' | 'date' | 'long-date-time';

function parts(style: ZonedStyle): Intl.DateTimeFormatOptions {
  switch (style) {
    case 'date':
      return { dateStyle: 'medium' };
    case 'long-date-time':
      return { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' };
    default:
      return { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' };
  }
}

export function browserZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** The wall-clock reading of an instant in a zone: equal readings mean equal offsets at that instant. */
const wallClock = (d: Date, zone: string) => d.toLocaleString('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });

/** "Dec 8, 2026, 9:00 AM CST (America/Chicago)", plus the candidate's own time when their zone differs. */
export function formatZoned(iso: string, zone: string, style: ZonedStyle = 'date-time', localZone: string = browserZone(), locale?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  let inZone: string;
  try {
    inZone = `${d.toLocaleString(locale, { ...parts(style), timeZone: zone })} (${zone})`;
  } catch {
    return d.toISOString();
  }
  if (style === 'date' || localZone === zone || wallClock(d, localZone) === wallClock(d, zone)) return inZone;
  const local = d.toLocaleString(locale, { hour: 'numeric', minute: '2-digit', timeZoneName: 'short', timeZone: localZone });
  const sameDay = d.toLocaleDateString('en-CA', { timeZone: localZone }) === d.toLocaleDateString('en-CA', { timeZone: zone });
  const localDay = sameDay ? '' : `${d.toLocaleDateString(locale, { month: 'short', day: 'numeric', timeZone: localZone })}, `;
  return `${inZone} · ${localDay}${local} your time (${localZone})`;
}

/** Compact styles for dense screens (the proctor console): a time, a time with seconds, or a short date and time. */
export type CompactStyle = 'time' | 'time-seconds' | 'date-time-seconds';

function compactParts(style: CompactStyle): Intl.DateTimeFormatOptions {
  const time: Intl.DateTimeFormatOptions = { hour: 'numeric', minute: '2-digit', timeZoneName: 'short' };
  switch (style) {
    case 'time':
      return time;
    case 'time-seconds':
      return { ...time, second: '2-digit' };
    default:
      return { ...time, second: '2-digit', year: '2-digit', month: 'numeric', day: 'numeric' };
  }
}

/**
 * "9:05 AM CST": a time in the center's zone that names the zone on every line (#17.5), short enough for a seat row
 * or an incident list (the full zone name is given once, in the table's caption).
 */
export function formatZonedCompact(iso: string, zone: string, style: CompactStyle = 'time', locale?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  try {
    return d.toLocaleString(locale, { ...compactParts(style), timeZone: zone });
  } catch {
    return d.toISOString();
  }
}
