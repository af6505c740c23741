import { describe, expect, it } from 'vitest';
import type { RosterRow } from '../../../shared/api/proctoring.ts';
import {
  attentionAnnouncement,
  filterRows,
  formatAge,
  heartbeatAgeMs,
  mergeRows,
  newAttention,
  NO_FILTER,
  oneCandidateCsv,
  parseCsv,
  onBreakText,
  pauseReasonText,
  roomMapRows,
  seatRemainingMs,
  seatStatus,
  sortRows,
  stateText,
  timelineEventText,
  zonedDate,
  zonedLocalToIso,
  zonedLocalValue,
} from '../../../client/src/features/proctoring/roster.ts';

const NOW = Date.parse('2026-11-22T15:00:00Z');

function row(over: Partial<RosterRow> & { sessionId: string; candidateName: string }): RosterRow {
  return {
    candidateId: `c-${over.sessionId}`,
    module: 'SAF',
    state: 'in_progress',
    endReason: null,
    disconnectCreditedMs: 0,
    scheduledAt: '2026-11-22T14:00:00Z',
    admitted: true,
    handbookAcknowledged: true,
    answered: 0,
    total: 86,
    deadline: null,
    remainingMs: 90 * 60_000,
    running: false,
    pauseReason: null,
    connected: true,
    lastSeenAt: null,
    rttMs: null,
    pendingAnswers: null,
    incidents: 0,
    lastIncident: null,
    lastAnswerAt: null,
    timeMultiplier: 1,
    accommodationNote: null,
    separateRoom: false,
    seat: null,
    breakEndsAt: null,
    camera: null,
    attention: [],
    ...over,
  };
}

describe('seat states', () => {
  it('names checked-in seats by admission, and every ending', () => {
    expect(seatStatus({ state: 'checked_in', admitted: false })).toBe('waiting');
    expect(seatStatus({ state: 'checked_in', admitted: true })).toBe('admitted');
    expect(stateText({ state: 'checked_in', admitted: false })).toBe('Waiting (checked in)');
    expect(stateText({ state: 'expired', admitted: true })).toBe('Ended: time ran out');
    expect(seatStatus({ state: 'scored', admitted: true })).toBe('ended');
  });
});

describe('time on the console', () => {
  it('counts down from the deadline with the clock offset, and shows remainingMs while stopped', () => {
    const deadline = new Date(NOW + 10 * 60_000).toISOString();
    const running = row({ sessionId: 'a', candidateName: 'A', deadline, running: true, remainingMs: 999 });
    // The browser clock is 30 s behind the server: 30 s less remains than the browser clock alone says.
    expect(seatRemainingMs(running, 30_000, NOW)).toBe(9.5 * 60_000);
    expect(seatRemainingMs(running, 0, NOW + 11 * 60_000)).toBe(0);
    const paused = row({ sessionId: 'b', candidateName: 'B', state: 'paused', deadline: null, running: false, remainingMs: 42_000 });
    expect(seatRemainingMs(paused, 30_000, NOW)).toBe(42_000);
    expect(seatRemainingMs(row({ sessionId: 'c', candidateName: 'C', state: 'terminated' }), 0, NOW)).toBeNull();
  });

  it('heartbeat age on the server clock, in words', () => {
    expect(heartbeatAgeMs('2026-11-22T14:59:55Z', NOW)).toBe(5000);
    expect(heartbeatAgeMs(null, NOW)).toBeNull();
    expect(formatAge(4_900)).toBe('4 s');
    expect(formatAge(125_000)).toBe('2 min');
    expect(formatAge(65 * 60_000)).toBe('1 h 5 min');
  });
});

describe('rows by push', () => {
  it('replaces rows by session id in place and adds only accepted new ones', () => {
    const a = row({ sessionId: 'a', candidateName: 'Ann', answered: 1 });
    const b = row({ sessionId: 'b', candidateName: 'Bob' });
    const merged = mergeRows([a, b], [row({ sessionId: 'a', candidateName: 'Ann', answered: 5 }), row({ sessionId: 'z', candidateName: 'Zed', state: 'scheduled' })], (r) => r.state !== 'scheduled');
    expect(merged.map((r) => [r.sessionId, r.answered])).toEqual([
      ['a', 5],
      ['b', 0],
    ]);
    expect(mergeRows([a], [row({ sessionId: 'n', candidateName: 'New' })]).map((r) => r.sessionId)).toEqual(['a', 'n']);
  });

  it('announces only attention reasons a seat did not have before', () => {
    const before = [row({ sessionId: 'a', candidateName: 'Ann', attention: ['idle'] })];
    const after = [row({ sessionId: 'a', candidateName: 'Ann', attention: ['idle', 'focus-lost'] }), row({ sessionId: 'b', candidateName: 'Bob', attention: ['disconnected'] })];
    const fresh = newAttention(before, after);
    expect(fresh).toEqual([
      { sessionId: 'a', name: 'Ann', reasons: ['focus-lost'] },
      { sessionId: 'b', name: 'Bob', reasons: ['disconnected'] },
    ]);
    expect(attentionAnnouncement(fresh)).toBe('Needs attention: Ann, focus lost: left the exam window. Needs attention: Bob, disconnected.');
    expect(newAttention(after, after)).toEqual([]);
  });
});

describe('sorting and filtering', () => {
  const deadline = (min: number) => new Date(NOW + min * 60_000).toISOString();
  const rows = [
    row({ sessionId: '1', candidateName: 'carol', answered: 40, deadline: deadline(50), running: true }),
    row({ sessionId: '2', candidateName: 'Alice', answered: 10, state: 'paused', remainingMs: 5 * 60_000 }),
    row({ sessionId: '3', candidateName: 'bob', state: 'scored', answered: 86 }),
    row({ sessionId: '4', candidateName: 'Dan', state: 'checked_in', admitted: false, total: 0, module: 'QPM', separateRoom: true, accommodationNote: 'reader' }),
  ];
  const t = { offsetMs: 0, clientNow: NOW };
  const names = (rs: RosterRow[]) => rs.map((r) => r.candidateName);

  it('sorts by name (case-insensitive), state, progress and time left (ended seats last both ways)', () => {
    expect(names(sortRows(rows, 'name', 'ascending', t))).toEqual(['Alice', 'bob', 'carol', 'Dan']);
    expect(names(sortRows(rows, 'name', 'descending', t))).toEqual(['Dan', 'carol', 'bob', 'Alice']);
    expect(names(sortRows(rows, 'state', 'ascending', t))).toEqual(['Dan', 'carol', 'Alice', 'bob']);
    expect(names(sortRows(rows, 'progress', 'descending', t))).toEqual(['bob', 'carol', 'Alice', 'Dan']);
    expect(names(sortRows(rows, 'remaining', 'ascending', t))).toEqual(['Alice', 'carol', 'Dan', 'bob']);
    expect(names(sortRows(rows, 'remaining', 'descending', t))).toEqual(['Dan', 'carol', 'Alice', 'bob']);
  });

  it('filters by state, module and words in the name, module title or note', () => {
    expect(names(filterRows(rows, { ...NO_FILTER, status: 'waiting' }))).toEqual(['Dan']);
    expect(names(filterRows(rows, { ...NO_FILTER, status: 'ended' }))).toEqual(['bob']);
    expect(names(filterRows(rows, { ...NO_FILTER, module: 'SAF' }))).toEqual(['carol', 'Alice', 'bob']);
    expect(names(filterRows(rows, { ...NO_FILTER, text: 'ALIC' }))).toEqual(['Alice']);
    expect(names(filterRows(rows, { ...NO_FILTER, text: 'separate quality' }))).toEqual(['Dan']);
    expect(names(filterRows(rows, { ...NO_FILTER, text: 'reader' }))).toEqual(['Dan']);
  });
});

describe("the test center's wall clock", () => {
  it('turns a center-local date-time into an instant, across daylight-saving changes', () => {
    expect(zonedLocalToIso('2026-11-22T09:30', 'America/Chicago')).toBe('2026-11-22T15:30:00.000Z');
    expect(zonedLocalToIso('2026-07-01T09:30', 'America/Chicago')).toBe('2026-07-01T14:30:00.000Z');
    expect(zonedLocalToIso('2026-07-01T09:30', 'UTC')).toBe('2026-07-01T09:30:00.000Z');
    // 02:30 does not exist on 8 March 2026 in Chicago: the instant after the gap.
    expect(zonedLocalToIso('2026-03-08T02:30', 'America/Chicago')).toBe('2026-03-08T08:30:00.000Z');
    // 01:30 happens twice on 1 November 2026: the first one (CDT).
    expect(zonedLocalToIso('2026-11-01T01:30', 'America/Chicago')).toBe('2026-11-01T06:30:00.000Z');
    expect(zonedLocalToIso('tomorrow', 'UTC')).toBeNull();
  });

  it('reads an instant as the center sees it', () => {
    expect(zonedLocalValue(Date.parse('2026-11-22T03:15:00Z'), 'America/Chicago')).toBe('2026-11-21T21:15');
    expect(zonedDate(Date.parse('2026-11-22T03:15:00Z'), 'America/Chicago')).toBe('2026-11-21');
    expect(zonedDate(Date.parse('2026-11-22T03:15:00Z'), 'Asia/Tokyo')).toBe('2026-11-22');
  });
});

describe('CSV', () => {
  it('writes a one-row registration file with quoting', () => {
    expect(oneCandidateCsv({ username: ' jdoe ', displayName: 'Doe, Jane "JJ"' })).toBe('username,display_name,password\njdoe,"Doe, Jane ""JJ""",\n');
  });

  it('reads quoted cells, doubled quotes, CRLF and blank lines', () => {
    expect(parseCsv('at,note\r\n2026-01-01,"a, ""b""\nc"\n\nx,\n')).toEqual([
      ['at', 'note'],
      ['2026-01-01', 'a, "b"\nc'],
      ['x', ''],
    ]);
  });
});

it('names timeline events in words', () => {
  expect(timelineEventText('session.admitted')).toBe('Admitted (photo ID checked)');
  expect(timelineEventText('incident.page-hidden')).toBe('Incident: page hidden');
  expect(timelineEventText('session.something-new')).toBe('Something new');
});

describe('seats (#17.7)', () => {
  const seated = [
    row({ sessionId: 'a', candidateName: 'Ann', seat: '10' }),
    row({ sessionId: 'b', candidateName: 'Bob', seat: null }),
    row({ sessionId: 'c', candidateName: 'Cat', seat: '2' }),
    row({ sessionId: 'd', candidateName: 'Dan', seat: 'B-01' }),
    row({ sessionId: 'e', candidateName: 'Eve', seat: null }),
  ];
  const t = { offsetMs: 0, clientNow: NOW };
  it('sorts by seat number as on the floor plan, unseated candidates last in both directions', () => {
    expect(sortRows(seated, 'seat', 'ascending', t).map((r) => r.seat ?? r.candidateName)).toEqual(['2', '10', 'B-01', 'Bob', 'Eve']);
    expect(sortRows(seated, 'seat', 'descending', t).map((r) => r.seat ?? r.candidateName)).toEqual(['B-01', '10', '2', 'Bob', 'Eve']);
  });
  it('the room map lays seats out by number, then the unseated by name', () => {
    expect(roomMapRows(seated).map((r) => r.sessionId)).toEqual(['c', 'a', 'd', 'b', 'e']);
  });
  it('the search finds a seat', () => {
    expect(filterRows(seated, { ...NO_FILTER, text: 'seat b-01' }).map((r) => r.sessionId)).toEqual(['d']);
  });
  it('a break reads as its kind and clock', () => {
    expect(pauseReasonText('break:scheduled:stops')).toBe('scheduled break (clock stopped)');
    expect(pauseReasonText('break:unscheduled:runs')).toBe('unscheduled break (clock running)');
    expect(pauseReasonText('Fire drill')).toBe('Fire drill');
    expect(onBreakText('break:unscheduled:runs')).toBe('On an unscheduled break (clock running)');
    expect(onBreakText('break:scheduled:stops')).toBe('On a scheduled break (clock stopped)');
    expect(onBreakText('Fire drill')).toBeNull();
  });
});
