/**
 * Pure helpers of the proctor console: what a seat's state is called, how rows merge, sort and filter, how time and
 * ages read, and the test center's wall clock. No React, no fetch, no Date.now(): time comes in as arguments, so all of
 * it is unit-tested (tests/unit/client/proctor-roster.test.ts).
 */
import type { AttentionReason, RosterRow } from '../../../../shared/api/proctoring.ts';
import { csvLine, readCsvRows, unguardCsvValue } from '../../../../shared/csv.ts';
import { localDateOf, utcOffsetMs } from '../../../../shared/civil-date.ts';
import { remainingMs } from '../../lib/clock-offset.ts';
import { compareSeatLabels } from '../../../../shared/seats.ts';
import { breakLabel, breakOf } from '../../../../shared/breaks.ts';

/** The five CPT modules with their titles (the console's own copy: shared/vocabulary.ts would pull zod into this chunk). */
export const MODULES = [
  { code: 'SAF', title: 'Safety' },
  { code: 'QPM', title: 'Quality Practices & Measurement' },
  { code: 'MPP', title: 'Manufacturing Processes & Production' },
  { code: 'MA', title: 'Maintenance Awareness' },
  { code: 'GRN', title: 'Green Production' },
] as const;
export type ModuleCode = (typeof MODULES)[number]['code'];

export function moduleTitle(code: string): string {
  return MODULES.find((m) => m.code === code)?.title ?? code;
}

/** The extra-time multipliers offered when scheduling (the server accepts 1 to 3). */
export const TIME_MULTIPLIERS = [1, 1.25, 1.5, 2] as const;

/** A seat's state as the proctor thinks of it: "waiting" is checked in and not yet admitted. */
export type SeatStatus = 'scheduled' | 'waiting' | 'admitted' | 'in_progress' | 'paused' | 'ended';
export const SEAT_STATUSES: readonly SeatStatus[] = ['scheduled', 'waiting', 'admitted', 'in_progress', 'paused', 'ended'];
export const SEAT_STATUS_TEXT: Record<SeatStatus, string> = {
  scheduled: 'Scheduled',
  waiting: 'Waiting (checked in)',
  admitted: 'Admitted',
  in_progress: 'In progress',
  paused: 'Paused',
  ended: 'Ended',
};

const ENDED_TEXT: Record<string, string> = {
  submitted: 'Ended: submitted',
  expired: 'Ended: time ran out',
  terminated: 'Ended: terminated',
  scored: 'Ended: scored',
};

export function seatStatus(row: Pick<RosterRow, 'state' | 'admitted'>): SeatStatus {
  switch (row.state) {
    case 'scheduled':
      return 'scheduled';
    case 'checked_in':
      return row.admitted ? 'admitted' : 'waiting';
    case 'in_progress':
      return 'in_progress';
    case 'paused':
      return 'paused';
    default:
      return 'ended';
  }
}

/** The words for a seat's state, with the kind of ending ("Ended: time ran out"). */
/** A scored exam says how it ended (submitted, time ran out, terminated), which is what a proctor needs to know. */
export function stateText(row: Pick<RosterRow, 'state' | 'admitted'> & Partial<Pick<RosterRow, 'endReason'>>): string {
  const s = seatStatus(row);
  if (s !== 'ended') return SEAT_STATUS_TEXT[s];
  const how = row.state === 'scored' && row.endReason ? row.endReason : row.state;
  return ENDED_TEXT[how] ?? `Ended: ${how.replaceAll('_', ' ')}`;
}

export const ATTENTION_TEXT: Record<AttentionReason, string> = {
  'raised-hand': 'Hand raised: asks for the proctor',
  disconnected: 'Disconnected',
  idle: 'Idle: no answer for 10 minutes',
  'focus-lost': 'Focus lost: left the exam window',
  'second-connection': 'Second connection',
  'nearly-out-of-time': 'Nearly out of time',
  'camera-failed': 'Camera not working (see the timeline)',
  'camera-declined': 'Declined the seat camera: decide and note it',
};

export function attentionText(reason: string): string {
  return (ATTENTION_TEXT as Record<string, string>)[reason] ?? reason.replaceAll('-', ' ');
}

const INCIDENT_TEXT: Record<string, string> = {
  'focus-lost': 'focus lost',
  'page-hidden': 'page hidden',
  'fullscreen-exit': 'left full screen',
  'second-connection': 'second connection',
  'proctor-note': 'proctor note',
  'raise-hand': 'hand raised',
  'camera-failed': 'camera not working',
  'camera-declined': 'camera declined',
  'hand-answered': 'hand answered',
  'proctor-message': 'message sent',
  disconnected: 'disconnected',
  paused: 'paused',
  resumed: 'resumed',
  extended: 'time extended',
  'extension-requested': 'extension requested (past the cap)',
  'extension-approved': 'extension approved',
  'extension-declined': 'extension declined',
  terminated: 'terminated',
  reopened: 'reopened by an admin',
  'break-started': 'break started',
  'break-ended': 'break ended',
};
/** "On an unscheduled break (clock running)": a seat's pause reason when it is a break, else null. */
export function onBreakText(reason: string | null): string | null {
  const onBreak = breakOf(reason);
  if (!onBreak) return null;
  const label = breakLabel(onBreak);
  return `On ${/^[aeiou]/.test(label) ? 'an' : 'a'} ${label}`;
}

/** Why a seat is paused, in words: a break by its kind and clock, a disconnect, or the proctor's own reason as typed. */
export function pauseReasonText(reason: string): string {
  if (reason === 'disconnected') return 'connection lost (resumes when the candidate reconnects)';
  if (reason === 'disconnected-proctor') return 'connection lost; the disconnect credit cap is used up or the center requires it, so a proctor must resume';
  const onBreak = breakOf(reason);
  if (onBreak) return breakLabel(onBreak);
  return reason;
}

/**
 * The room map's order (#17.7): seats by their label as on the floor plan ("2" before "10"), then the seats without a
 * number by name, so the map reads like the room and unseated candidates are gathered at the end.
 */
export function roomMapRows(rows: readonly RosterRow[]): RosterRow[] {
  return [...rows].sort((a, b) => compareSeatLabels(a.seat, b.seat) || collator.compare(a.candidateName, b.candidateName) || a.sessionId.localeCompare(b.sessionId));
}

export function incidentText(kind: string): string {
  return INCIDENT_TEXT[kind] ?? kind.replaceAll('-', ' ');
}

/**
 * Applies a `rows` push: rows replace the ones with the same session id (in place, so the table does not jump); rows
 * the console has not seen are added only when `accept` says they belong on this roster (a different day's session
 * changing must not appear on today's list).
 */
export function mergeRows(current: readonly RosterRow[], incoming: readonly RosterRow[], accept: (row: RosterRow) => boolean = () => true): RosterRow[] {
  const byId = new Map(incoming.map((r) => [r.sessionId, r]));
  const out = current.map((r) => {
    const next = byId.get(r.sessionId);
    if (!next) return r;
    byId.delete(r.sessionId);
    return next;
  });
  for (const r of byId.values()) if (accept(r)) out.push(r);
  return out;
}

export const isLiveState = (state: string) => state === 'checked_in' || state === 'in_progress' || state === 'paused';

/** Time left on a seat now, from the server's deadline and the measured clock offset; null once the exam has ended. */
export function seatRemainingMs(row: Pick<RosterRow, 'deadline' | 'remainingMs' | 'running' | 'state' | 'admitted'>, offsetMs: number, clientNow: number): number | null {
  if (seatStatus(row) === 'ended') return null;
  const deadlineMs = row.deadline ? Date.parse(row.deadline) : null;
  return remainingMs({ deadlineMs: Number.isFinite(deadlineMs) ? deadlineMs : null, remainingMs: row.remainingMs, running: row.running }, offsetMs, clientNow);
}

/** Milliseconds since the candidate's last heartbeat, on the server's clock; null when never seen. */
export function heartbeatAgeMs(lastSeenAt: string | null, serverNow: number): number | null {
  if (!lastSeenAt) return null;
  const t = Date.parse(lastSeenAt);
  return Number.isFinite(t) ? Math.max(0, serverNow - t) : null;
}

/** "4 s", "2 min", "1 h 5 min". */
export function formatAge(ms: number): string {
  const s = Math.floor(Math.max(0, ms) / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export type SortKey = 'urgency' | 'seat' | 'name' | 'state' | 'remaining' | 'progress';
export type SortDir = 'ascending' | 'descending';
export const SORT_TEXT: Record<SortKey, string> = { urgency: 'urgency', seat: 'seat', name: 'name', state: 'state', remaining: 'time left', progress: 'progress' };

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/**
 * Sorted copy. Ties fall back to the name, then the session id, so the order is stable between pushes. Ended seats have
 * no time left and sort after the running ones either way.
 */
/**
 * How urgent a seat is (#17.7): the most urgent attention reason decides (a raised hand first, in the order of
 * URGENT_REASONS), then how many reasons it has. 0 for a seat that needs nothing.
 */
export function urgency(r: Pick<RosterRow, 'attention'>): number {
  if (r.attention.length === 0) return 0;
  const top = Math.min(...r.attention.map((a) => URGENT_REASONS.indexOf(a)));
  return (URGENT_REASONS.length - top) * 10 + r.attention.length;
}
/** Most urgent first: a person waiting for the proctor, then a lost or doubled connection, then the rest. */
const URGENT_REASONS: readonly AttentionReason[] = ['raised-hand', 'disconnected', 'second-connection', 'focus-lost', 'camera-declined', 'camera-failed', 'nearly-out-of-time', 'idle'] satisfies readonly (keyof typeof ATTENTION_TEXT)[];
/** Among seats that need nothing: people waiting first, then running, paused, the rest, ended last. */
const URGENT_STATES: SeatStatus[] = ['waiting', 'paused', 'in_progress', 'admitted', 'scheduled', 'ended'];

export function sortRows(rows: readonly RosterRow[], key: SortKey, dir: SortDir, time: { offsetMs: number; clientNow: number }): RosterRow[] {
  const sign = dir === 'ascending' ? 1 : -1;
  const byName = (a: RosterRow, b: RosterRow) => collator.compare(a.candidateName, b.candidateName) || a.sessionId.localeCompare(b.sessionId);
  const progress = (r: RosterRow) => (r.total > 0 ? r.answered / r.total : 0);
  const rank = (r: RosterRow) => SEAT_STATUSES.indexOf(seatStatus(r));
  return [...rows].sort((a, b) => {
    let c = 0;
    if (key === 'name') return sign * byName(a, b);
    if (key === 'seat') {
      if (!a.seat !== !b.seat) return a.seat ? -1 : 1; // seats without a number last in both directions
      return sign * compareSeatLabels(a.seat, b.seat) || byName(a, b);
    }
    if (key === 'urgency') c = urgency(b) - urgency(a) || URGENT_STATES.indexOf(seatStatus(a)) - URGENT_STATES.indexOf(seatStatus(b));
    else
    if (key === 'state') c = rank(a) - rank(b);
    else if (key === 'progress') c = progress(a) - progress(b) || a.answered - b.answered;
    else {
      const ra = seatRemainingMs(a, time.offsetMs, time.clientNow);
      const rb = seatRemainingMs(b, time.offsetMs, time.clientNow);
      if (ra === null || rb === null) {
        if (ra !== rb) return ra === null ? 1 : -1; // ended last in both directions
      } else c = ra - rb;
    }
    return sign * c || byName(a, b);
  });
}

export interface RosterFilter {
  status: SeatStatus | 'all';
  module: string;
  text: string;
}
export const NO_FILTER: RosterFilter = { status: 'all', module: 'all', text: '' };

export function filterRows(rows: readonly RosterRow[], f: RosterFilter): RosterRow[] {
  const words = f.text.trim().toLowerCase().split(/\s+/).filter(Boolean);
  return rows.filter((r) => {
    if (f.status !== 'all' && seatStatus(r) !== f.status) return false;
    if (f.module !== 'all' && r.module !== f.module) return false;
    if (words.length) {
      const hay = `${r.candidateName} ${r.module} ${moduleTitle(r.module)} ${r.seat ? `seat ${r.seat}` : ''} ${r.separateRoom ? 'separate room' : ''} ${r.accommodationNote ?? ''}`.toLowerCase();
      if (!words.every((w) => hay.includes(w))) return false;
    }
    return true;
  });
}

/** Attention reasons each row has now and did not have before (for the polite announcement). */
export function newAttention(before: readonly RosterRow[], after: readonly RosterRow[]): { sessionId: string; name: string; reasons: AttentionReason[] }[] {
  const prev = new Map(before.map((r) => [r.sessionId, new Set(r.attention)]));
  const out: { sessionId: string; name: string; reasons: AttentionReason[] }[] = [];
  for (const r of after) {
    const had = prev.get(r.sessionId) ?? new Set<AttentionReason>();
    const gained = r.attention.filter((a) => !had.has(a));
    if (gained.length) out.push({ sessionId: r.sessionId, name: r.candidateName, reasons: gained });
  }
  return out;
}

export function attentionAnnouncement(items: { name: string; reasons: AttentionReason[] }[]): string {
  return items.map((i) => `Needs attention: ${i.name}, ${i.reasons.map((r) => attentionText(r).toLowerCase()).join(', ')}.`).join(' ');
}

/* ---------- The test center's wall clock ---------- */

/** The zone's offset from UTC at an instant, in ms (Chicago in winter: -6 h); shared/civil-date.ts does the work. */
export function zoneOffsetMs(instant: number, timeZone: string): number {
  return utcOffsetMs(new Date(Math.floor(instant / 1000) * 1000), timeZone);
}

/** "2026-11-22T09:30" (a datetime-local value) for an instant, in the zone. */
export function zonedLocalValue(instant: number, timeZone: string): string {
  return new Date(instant + zoneOffsetMs(instant, timeZone)).toISOString().slice(0, 16);
}

/** "2026-11-22": the zone's calendar date at an instant. */
export function zonedDate(instant: number, timeZone: string): string {
  return localDateOf(new Date(instant), timeZone);
}

/**
 * The instant (ISO, UTC) at which the zone's wall clock reads `local` ("2026-11-22T09:30"). A wall time skipped by a
 * spring-forward change maps to the instant just after the gap; a repeated one to its first occurrence.
 */
export function zonedLocalToIso(local: string, timeZone: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
  if (!m) return null;
  const guess = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +(m[6] ?? 0));
  if (!Number.isFinite(guess)) return null;
  const first = guess - zoneOffsetMs(guess, timeZone);
  const second = guess - zoneOffsetMs(first, timeZone);
  // Take the earlier candidate whose wall clock matches (ambiguous hour), else the later one (gap).
  const candidates = [Math.min(first, second), Math.max(first, second)];
  const hit = candidates.find((c) => zonedLocalValue(c, timeZone) === local.slice(0, 16));
  return new Date(hit ?? Math.max(first, second)).toISOString();
}

/** "Sun, 22 Nov 2026, 09:30" in the zone (the ticket and the roster show center time). */
export function formatInZone(iso: string, timeZone: string, opts: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' }): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  try {
    return new Intl.DateTimeFormat(undefined, { ...opts, timeZone }).format(d);
  } catch {
    return d.toLocaleString();
  }
}

/** "Tuesday, 12 January 2027" for a calendar date (YYYY-MM-DD), with no zone shift. */
export function formatCivilDate(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return date;
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeZone: 'UTC' }).format(new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!)));
}

/* ---------- CSV ---------- */

/** A one-candidate registration file (header and one row) for the import route (read by a program: no formula guard). */
export function oneCandidateCsv(c: { username: string; displayName: string; password?: string }): string {
  const vals = [c.username.trim(), c.displayName.trim(), c.password ?? ''];
  return `${csvLine(['username', 'display_name', 'password'])}\n${csvLine(vals, { formulaGuard: false })}\n`;
}

/** Rows of a CSV file the server wrote (blank lines skipped, cells trimmed, the formula guard removed), for display. */
export function parseCsv(text: string): string[][] {
  return readCsvRows(text, ',').rows.map((r) => r.cells.map(unguardCsvValue));
}

/** "Paused Jane Doe's exam" style timeline labels: "session.admitted" → "Admitted". */
const EVENT_TEXT: Record<string, string> = {
  'session.scheduled': 'Scheduled',
  'session.checked-in': 'Checked in',
  'session.admitted': 'Admitted (photo ID checked)',
  'session.handbook-acknowledged': 'Rules acknowledged',
  'session.started': 'Exam started',
  'session.paused': 'Paused',
  'session.resumed': 'Resumed',
  'session.extended': 'Extra time given',
  'session.extension-requested': 'Extension requested (past the cap)',
  'session.extension-approved': 'Extension approved by an admin',
  'session.extension-declined': 'Extension declined by an admin',
  'session.reopened': 'Reopened by an admin',
  'session.score-withdrawn': 'Score withdrawn (reopened)',
  'time.credit': 'Time credited',
  'session.terminated': 'Terminated',
  'session.submitted': 'Submitted',
  'session.expired': 'Time ran out',
  'session.scored': 'Scored',
  'session.launch-code-issued': 'Admission ticket printed',
  'time.start': 'Clock started',
  'time.pause': 'Clock stopped',
  'time.resume': 'Clock restarted',
  'time.extend': 'Time added',
  'camera.still': 'Camera still',
  'session.camera-consented': 'Agreed to the seat camera',
  'session.camera-declined': 'Declined the seat camera',
  'session.camera-failed': 'Camera not working',
  'session.camera-decision-reopened': 'Camera decision reopened by the proctor',
};
export function timelineEventText(event: string): string {
  if (EVENT_TEXT[event]) return EVENT_TEXT[event];
  const [, rest = event] = /^[a-z]+\.(.*)$/.exec(event) ?? [];
  const words = rest.replaceAll(/[-_.]/g, ' ');
  return event.startsWith('incident.') ? `Incident: ${incidentText(rest)}` : words.charAt(0).toUpperCase() + words.slice(1);
}
