/**
 * The live console: one row per seat of the test center for a day, every figure by push (use-proctor-feed.ts), time
 * counted down locally from the server's deadline with the measured clock offset. "Needs attention" comes first; the
 * table sorts and filters; each row carries its actions, named with the candidate ("Pause Jane Doe").
 */
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { RosterRow } from '../../../../shared/api/proctoring.ts';
import { formatClock } from '../../lib/clock-offset.ts';
import * as proctorApi from './api.ts';
import type { ErrorBody, TestCenter } from './api.ts';
import {
  attentionText,
  filterRows,
  formatAge,
  heartbeatAgeMs,
  incidentText,
  moduleTitle,
  MODULES,
  NO_FILTER,
  onBreakText,
  pauseReasonText,
  SEAT_STATUS_TEXT,
  SEAT_STATUSES,
  seatRemainingMs,
  seatStatus,
  SORT_TEXT,
  sortRows,
  stateText,
  type RosterFilter,
  type SortDir,
  type SortKey,
} from './roster.ts';
import { ApiErrorMessage, BulkDialog, RoomMessageDialog, SeatDialog, type SeatAction } from './seat-dialogs.tsx';
import { Hidden, PrimaryAction, RoomMap } from './room-map.tsx';
import type { FeedState } from './use-proctor-feed.ts';
import { formatZonedCompact } from '../../lib/zoned-time.ts';
import { breakOf } from '../../../../shared/breaks.ts';

/** Re-reads the clock every second; nothing is counted from it. */
function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}



const CONNECTION_TEXT: Record<FeedState['status'], string> = {
  connecting: 'Connecting…',
  connected: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline: no network',
  stopped: 'Not connected',
};

const rowDomId = (sessionId: string) => `seat-${sessionId}`;

export function focusSeat(sessionId: string) {
  const th = document.querySelector<HTMLElement>(`#${CSS.escape(rowDomId(sessionId))} th`);
  th?.scrollIntoView({ block: 'center' });
  th?.focus();
}

/** A console preference kept in the browser (compact rows, table or room map). */
function useStoredChoice<T extends string>(key: string, choices: readonly T[], fallback: T): [T, (v: T) => void] {
  const [v, setV] = useState<T>(() => {
    try {
      const stored = localStorage.getItem(key) as T | null;
      return stored && choices.includes(stored) ? stored : fallback;
    } catch {
      return fallback;
    }
  });
  return [
    v,
    (next: T) => {
      setV(next);
      try {
        localStorage.setItem(key, next);
      } catch {
        /* this page only */
      }
    },
  ];
}

/** Compact rows (30+ seats on a 1080p screen), kept in the browser. */
function useCompactRows(): [boolean, (v: boolean) => void] {
  const [v, set] = useStoredChoice('cpt-exam:console-compact', ['1', '0'] as const, '0');
  return [v === '1', (next: boolean) => set(next ? '1' : '0')];
}

/** The table or the room map by seat (#17.7), kept in the browser. */
const VIEWS = ['table', 'map'] as const;
type ConsoleView = (typeof VIEWS)[number];


export function LiveConsole({ center, feed, day, onDayChange, announce }: { center: TestCenter; feed: FeedState; day: string; onDayChange: (day: string | null) => void; announce: (text: string) => void }) {
  const now = useNow(1000);
  const serverNow = now + feed.offsetMs;
  const [filter, setFilter] = useState<RosterFilter>(NO_FILTER);
  // Most urgent first by default (#17.7): the seats that need the proctor are at the top of the table too.
  const [sort, setSort] = useState<{ key: SortKey; dir: SortDir }>({ key: 'urgency', dir: 'ascending' });
  const [compact, setCompact] = useCompactRows();
  const [view, setView] = useStoredChoice<ConsoleView>('cpt-exam:console-view', VIEWS, 'table');
  const [dialog, setDialog] = useState<{ action: SeatAction; sessionId: string } | null>(null);
  const [bulk, setBulk] = useState<'pause' | 'resume' | 'message' | null>(null);
  // A failed one-click action's message stays by the row until the seat's state changes.
  const [rowErrors, setRowErrors] = useState<Record<string, { action: string; error: ErrorBody; status: string }>>({});
  const [busyRow, setBusyRow] = useState<string | null>(null);
  const lastActed = useRef<string | null>(null);

  const rows = feed.rows;
  const visible = useMemo(() => sortRows(filterRows(rows, filter), sort.key, sort.dir, { offsetMs: feed.offsetMs, clientNow: now }), [rows, filter, sort, feed.offsetMs, now]);
  const needsAttention = useMemo(() => sortRows(rows.filter((r) => r.attention.length > 0), 'urgency', 'ascending', { offsetMs: feed.offsetMs, clientNow: now }), [rows, feed.offsetMs, now]);
  const counts = useMemo(() => {
    const c = Object.fromEntries(SEAT_STATUSES.map((s) => [s, 0])) as Record<(typeof SEAT_STATUSES)[number], number>;
    for (const r of rows) c[seatStatus(r)]++;
    return c;
  }, [rows]);
  const pausedByProctor = rows.filter((r) => r.state === 'paused' && !r.pauseReason?.startsWith('disconnected')).length;

  // A row whose button went away (terminated, admitted) keeps the keyboard on the row rather than on <body>.
  useEffect(() => {
    const id = lastActed.current;
    if (id && (document.activeElement === document.body || document.activeElement === null)) focusSeat(id);
  }, [rows]);

  const dialogRow = dialog ? rows.find((r) => r.sessionId === dialog.sessionId) : undefined;

  function open(action: SeatAction, row: RosterRow) {
    setRowErrors(({ [row.sessionId]: _, ...rest }) => rest);
    lastActed.current = null;
    setDialog({ action, sessionId: row.sessionId });
  }

  function done(message: string) {
    const id = dialog?.sessionId ?? null;
    lastActed.current = id;
    setDialog(null);
    announce(message);
    // The push may have removed the button that opened the dialog while it was open: then the row takes the focus.
    requestAnimationFrame(() => {
      if (id && (document.activeElement === document.body || document.activeElement === null)) focusSeat(id);
    });
  }

  async function immediate(row: RosterRow, action: 'start' | 'resume') {
    setBusyRow(row.sessionId);
    setRowErrors(({ [row.sessionId]: _, ...rest }) => rest);
    const r = action === 'start' ? await proctorApi.start(row.sessionId) : await proctorApi.resume(row.sessionId);
    setBusyRow(null);
    lastActed.current = row.sessionId;
    if (r.ok) announce(action === 'start' ? `Started ${row.candidateName}'s exam.` : `Resumed ${row.candidateName}'s exam.`);
    else setRowErrors((e) => ({ ...e, [row.sessionId]: { action, error: r.error, status: seatStatus(row) } }));
  }

  function sortBy(key: SortKey) {
    setSort((s) => (s.key === key ? { key, dir: s.dir === 'ascending' ? 'descending' : 'ascending' } : { key, dir: 'ascending' }));
  }

  const filtered = filter.status !== 'all' || filter.module !== 'all' || filter.text.trim() !== '';

  return (
    <div className="pc-live">
      <div className="pc-toolbar">
        <p className="pc-feed-status" role="status">
          <span className={`pill conn-${feed.status === 'connected' ? 'connected' : feed.status === 'stopped' || feed.status === 'offline' ? 'offline' : 'reconnecting'}`} data-testid="feed-status">
            {CONNECTION_TEXT[feed.status]}
          </span>
        </p>
        <p className="muted pc-small" data-testid="feed-updated">
          {feed.updatedAt ? `Updated ${formatAge(Math.max(0, now - feed.updatedAt))} ago` : 'Waiting for the roster…'}
          {feed.rttMs !== null ? ` · round trip ${feed.rttMs} ms` : ''}
        </p>
        <label className="pc-inline">
          Day
          <input type="date" value={day} onChange={(e) => onDayChange(e.target.value || null)} />
        </label>
        <div className="pc-bulk">
          <button type="button" className="secondary" onClick={() => setBulk('pause')} disabled={counts.in_progress === 0}>
            Pause all…
          </button>
          <button type="button" className="secondary" onClick={() => setBulk('resume')} disabled={pausedByProctor === 0}>
            Resume all…
          </button>
          <button type="button" className="secondary" onClick={() => setBulk('message')} disabled={counts.in_progress + counts.paused === 0}>
            Message the room…
          </button>
        </div>
      </div>

      {feed.error && (
        <p role="alert" className="banner error">
          The live feed refused: {feed.error}
        </p>
      )}

      <ul className="pc-counts" aria-label="Seats by state">
        {SEAT_STATUSES.map((s) => (
          <li key={s}>
            <strong>{counts[s]}</strong> {SEAT_STATUS_TEXT[s].toLowerCase()}
          </li>
        ))}
      </ul>

      <section className="pc-attention" aria-labelledby="attention-title">
        <h2 id="attention-title">
          Needs attention <span className="pc-badge">{needsAttention.length}</span>
        </h2>
        {needsAttention.length === 0 ? (
          <p className="muted">{feed.loaded ? 'No seat needs attention.' : 'Waiting for the roster…'}</p>
        ) : (
          <ul className="pc-attention-list">
            {needsAttention.map((r) => (
              <li key={r.sessionId} data-testid="attention-item">
                <span>
                  <strong>{r.candidateName}</strong> <span className="muted">({moduleTitle(r.module)}, {stateText(r).toLowerCase()})</span>:{' '}
                  {r.attention.map((a) => attentionText(a)).join('; ')}
                </span>
                {r.attention.includes('raised-hand') && (
                  <button type="button" onClick={() => open('answer-hand', r)}>
                    Answer<Hidden> {r.candidateName}'s raised hand</Hidden>
                  </button>
                )}
                <button type="button" className="link" onClick={() => focusSeat(r.sessionId)}>
                  Go to <Hidden>{r.candidateName}'s </Hidden>row
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>

      <form className="pc-filters" role="search" aria-label="Filter seats" onSubmit={(e) => e.preventDefault()}>
        <label>
          Search
          <input type="search" value={filter.text} onChange={(e) => setFilter((f) => ({ ...f, text: e.target.value }))} placeholder="Name, module or note" />
        </label>
        <label>
          State
          <select value={filter.status} onChange={(e) => setFilter((f) => ({ ...f, status: e.target.value as RosterFilter['status'] }))}>
            <option value="all">All states</option>
            {SEAT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {SEAT_STATUS_TEXT[s]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Module
          <select value={filter.module} onChange={(e) => setFilter((f) => ({ ...f, module: e.target.value }))}>
            <option value="all">All modules</option>
            {MODULES.map((m) => (
              <option key={m.code} value={m.code}>
                {m.title}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="secondary" onClick={() => setFilter(NO_FILTER)} disabled={!filtered}>
          Clear filters
        </button>
        <button type="button" className="secondary" aria-pressed={compact} onClick={() => setCompact(!compact)} disabled={view === 'map'}>
          Compact rows
        </button>
        <div className="pc-view-toggle" role="group" aria-label="Show the seats as">
          <button type="button" className="secondary" aria-pressed={view === 'table'} onClick={() => setView('table')}>
            Table
          </button>
          <button type="button" className="secondary" aria-pressed={view === 'map'} onClick={() => setView('map')}>
            Room map
          </button>
        </div>
      </form>

      {!feed.loaded && !feed.error ? (
        <p className="loading" role="status">
          <span className="spinner" aria-hidden="true" /> Loading the roster…
        </p>
      ) : view === 'map' ? (
        <RoomMap rows={filterRows(rows, filter)} total={rows.length} center={center} day={feed.date ?? day} clientNow={now} offsetMs={feed.offsetMs} busyRow={busyRow} rowErrors={rowErrors} onOpen={open} onImmediate={immediate} />
      ) : (
        <div className={`table-wrap pc-table-wrap pc-seats${compact ? ' pc-compact' : ''}`} role="region" aria-labelledby="seats-caption" tabIndex={0} data-testid="seats-region">
          <table className="pc-table">
            <caption id="seats-caption">
              Seats on {feed.date ?? day}: {visible.length === rows.length ? `${rows.length}` : `${visible.length} of ${rows.length} shown`}, sorted by {SORT_TEXT[sort.key]} ({sort.dir}). Times in {center.timeZone}.
            </caption>
            <thead>
              <tr>
                <SortHeader label="Urgency" k="urgency" sort={sort} onSort={sortBy} />
                <SortHeader label="Seat" k="seat" sort={sort} onSort={sortBy} />
                <SortHeader label="Candidate" k="name" sort={sort} onSort={sortBy} />
                <th scope="col">Module</th>
                <SortHeader label="State" k="state" sort={sort} onSort={sortBy} />
                <SortHeader label="Progress" k="progress" sort={sort} onSort={sortBy} />
                <SortHeader label="Time left" k="remaining" sort={sort} onSort={sortBy} />
                <th scope="col">Connection</th>
                <th scope="col">Incidents</th>
                <th scope="col">Accommodation</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {visible.length === 0 && (
                <tr>
                  <td colSpan={11} className="muted">
                    {rows.length === 0 ? 'No seats on this day.' : 'No seat matches the filters.'}
                  </td>
                </tr>
              )}
              {visible.map((r) => (
                <SeatRow key={r.sessionId} row={r} center={center} clientNow={now} serverNow={serverNow} offsetMs={feed.offsetMs} busy={busyRow === r.sessionId} rowError={rowErrors[r.sessionId]?.status === seatStatus(r) ? rowErrors[r.sessionId]! : null} onOpen={open} onImmediate={immediate} />
              ))}
            </tbody>
          </table>
        </div>
      )}

      {dialog && dialogRow && <SeatDialog action={dialog.action} row={dialogRow} center={center} onClose={() => setDialog(null)} onDone={done} />}
      {bulk === 'message' && (
        <RoomMessageDialog
          center={center}
          count={counts.in_progress + counts.paused}
          onClose={() => setBulk(null)}
          onDone={(m) => {
            setBulk(null);
            announce(m);
          }}
        />
      )}
      {bulk && bulk !== 'message' && (
        <BulkDialog
          kind={bulk}
          center={center}
          count={bulk === 'pause' ? counts.in_progress : pausedByProctor}
          onClose={() => setBulk(null)}
          onDone={(m) => {
            setBulk(null);
            announce(m);
          }}
        />
      )}
    </div>
  );
}

function SortHeader({ label, k, sort, onSort }: { label: string; k: SortKey; sort: { key: SortKey; dir: SortDir }; onSort: (k: SortKey) => void }) {
  const active = sort.key === k;
  return (
    <th scope="col" aria-sort={active ? sort.dir : undefined}>
      <button type="button" className="pc-sort" onClick={() => onSort(k)}>
        {label}
        <span aria-hidden="true" className="pc-sort-mark">
          {active ? (sort.dir === 'ascending' ? ' ▲' : ' ▼') : ' ↕'}
        </span>
        <Hidden>{active ? `, sorted ${sort.dir}; select to reverse` : ', select to sort'}</Hidden>
      </button>
    </th>
  );
}

function SeatRow(props: {
  row: RosterRow;
  center: TestCenter;
  clientNow: number;
  serverNow: number;
  offsetMs: number;
  busy: boolean;
  rowError: { action: string; error: ErrorBody } | null;
  onOpen: (a: SeatAction, r: RosterRow) => void;
  onImmediate: (r: RosterRow, a: 'start' | 'resume') => void;
}) {
  const { row, center, busy } = props;
  const status = seatStatus(row);
  const live = status === 'in_progress' || status === 'paused';
  const remaining = seatRemainingMs(row, props.offsetMs, props.clientNow);
  const age = heartbeatAgeMs(row.lastSeenAt, props.serverNow);
  const name = row.candidateName;
  const errorId = `seat-error-${row.sessionId}`;

  // The first action's button keeps its DOM node (key "primary") as Admit→Start and Pause→Resume swap, so focus stays.
  const primary = <PrimaryAction key="primary" row={row} busy={busy} errorId={props.rowError ? errorId : undefined} onOpen={props.onOpen} onImmediate={props.onImmediate} />;
  const onBreak = status === 'paused' ? breakOf(row.pauseReason) : null;

  return (
    <tr id={rowDomId(row.sessionId)} className={`pc-row pc-row-${status}${row.attention.length ? ' pc-row-attention' : ''}`} data-session-id={row.sessionId}>
      <td className="pc-urgency">{row.attention.length > 0 ? <span className="pc-urgent-mark">{row.attention.includes('raised-hand') ? 'Now: hand' : 'Attention'}</span> : <span className="muted">—</span>}</td>
      <th scope="row" tabIndex={-1}>
        <span className="pc-name">{name}</span>
        <span className="pc-small muted">{formatZonedCompact(row.scheduledAt, center.timeZone)}</span>
      </th>
      <td data-testid="seat-label">
        {row.seat ? <strong className="pc-seat-label">{row.seat}</strong> : <span className="muted">—</span>}
        {status !== 'ended' && (
          <button type="button" className="link pc-small" onClick={() => props.onOpen('seat', row)}>
            {row.seat ? 'Change' : 'Set'}
            <Hidden> {name}'s</Hidden> seat
          </button>
        )}
      </td>
      <td>
        <abbr title={moduleTitle(row.module)} className="pc-module">
          {row.module}
        </abbr>
        <span className="visually-hidden"> {moduleTitle(row.module)}</span>
      </td>
      <td data-testid="seat-state">
        <span className={`pc-state pc-state-${status}`}>{stateText(row)}</span>
        {row.pauseReason && status === 'paused' && <span className="pc-small">{onBreakText(row.pauseReason) ?? `Reason: ${pauseReasonText(row.pauseReason)}`}</span>}
        {onBreak && row.breakEndsAt && <span className="pc-small">until {formatZonedCompact(row.breakEndsAt, center.timeZone)}</span>}
        {row.disconnectCreditedMs > 0 && <span className="pc-small" data-testid="disconnect-credit">Disconnect time credited: {Math.round(row.disconnectCreditedMs / 1000)} s</span>}
        {row.attention.map((a) => (
          <span key={a} className="tag pc-attn-tag">
            {attentionText(a)}
          </span>
        ))}
      </td>
      <td className="pc-num">
        {row.total > 0 ? (
          <>
            <span>
              {row.answered} of {row.total}
            </span>
            <span className="pc-bar" aria-hidden="true">
              <span style={{ width: `${Math.round((row.answered / row.total) * 100)}%` }} />
            </span>
          </>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td className="pc-num" data-testid="seat-remaining">
        {remaining === null ? (
          <span className="muted">—</span>
        ) : (
          <>
            <span className={`pc-clock${live && remaining <= 5 * 60_000 ? ' pc-low' : ''}`}>
              {formatClock(remaining)}
            </span>
            {live && !row.running && <span className="pc-small">stopped</span>}
            {!live && <span className="pc-small">not started</span>}
          </>
        )}
      </td>
      <td data-testid="seat-connection">
        {status === 'scheduled' || status === 'ended' ? (
          <span className="muted">—</span>
        ) : (
          <>
            {row.camera && <SeatStill row={row} timeZone={center.timeZone} />}
            <span className={`pill ${row.connected ? 'conn-connected' : 'conn-offline'}`}>{row.connected ? 'Connected' : 'Not connected'}</span>
            <span className="pc-small">
              {age === null ? 'no heartbeat yet' : `heartbeat ${formatAge(age)} ago`}
              {row.rttMs !== null ? ` · ${row.rttMs} ms` : ''}
              {row.pendingAnswers !== null ? ` · ${row.pendingAnswers} unsaved` : ''}
            </span>
          </>
        )}
      </td>
      <td data-testid="seat-incidents">
        <span className="pc-num-inline">{row.incidents}</span>
        {row.lastIncident && (
          <span className="pc-small">
            last: {incidentText(row.lastIncident.kind)}, {formatZonedCompact(row.lastIncident.at, center.timeZone)}
          </span>
        )}
      </td>
      <td>
        {row.timeMultiplier > 1 || row.separateRoom || row.accommodationNote ? (
          <>
            {row.timeMultiplier > 1 && <span className="tag pc-accom">×{row.timeMultiplier} time</span>}
            {row.separateRoom && <span className="tag pc-accom">Separate room</span>}
            {row.accommodationNote && <span className="pc-small">{row.accommodationNote}</span>}
          </>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td>
        <div className="pc-actions">
          {primary}
          {(status === 'scheduled' || status === 'waiting' || status === 'admitted' || live) && (
            <button type="button" className="secondary" onClick={() => props.onOpen('extend', row)}>
              Extend<Hidden> {name}</Hidden>
            </button>
          )}
          {status !== 'ended' && (
            <button type="button" className="secondary pc-danger-outline" onClick={() => props.onOpen('terminate', row)}>
              Terminate<Hidden> {name}</Hidden>
            </button>
          )}
          {status === 'in_progress' && (
            <button type="button" className="secondary" onClick={() => props.onOpen('break', row)}>
              Break<Hidden> for {name}</Hidden>
            </button>
          )}
          {live && (
            <button type="button" className="link" onClick={() => props.onOpen('message', row)}>
              Message<Hidden> {name}</Hidden>
            </button>
          )}
          {(status === 'admitted' || live) && (row.camera?.consent === 'given' || row.camera?.consent === 'declined') && (
            <button type="button" className="link" onClick={() => props.onOpen('camera-reopen', row)}>
              Ask about camera again<Hidden> ({name})</Hidden>
            </button>
          )}
          <button type="button" className="link" onClick={() => props.onOpen('note', row)}>
            Add note<Hidden> for {name}</Hidden>
          </button>
          <button type="button" className="link" onClick={() => props.onOpen('timeline', row)}>
            Timeline<Hidden> for {name}</Hidden>
          </button>
          {(status === 'scheduled' || status === 'waiting' || status === 'admitted') && (
            <button type="button" className="link" onClick={() => props.onOpen('ticket', row)}>
              Print ticket<Hidden> for {name}</Hidden>
            </button>
          )}
        </div>
        {props.rowError && (
          <div id={errorId}>
            <ApiErrorMessage error={props.rowError.error} />
          </div>
        )}
      </td>
    </tr>
  );
}

/** The seat camera's latest still on the seat's row (#17.11), or what stands in for it. */
function SeatStill({ row, timeZone }: { row: RosterRow; timeZone: string }) {
  const camera = row.camera!;
  if (camera.consent === 'declined') return <span className="pc-small pc-still-none">Camera declined</span>;
  if (camera.consent === 'asked') return <span className="pc-small pc-still-none">Camera: asked again</span>;
  if (!camera.latestStillId || !camera.latestStillAt) return <span className="pc-small pc-still-none">Camera: no still yet</span>;
  const at = formatZonedCompact(camera.latestStillAt, timeZone, 'time-seconds');
  return (
    <span className="pc-still">
      <img src={proctorApi.stillUrl(row.sessionId, camera.latestStillId)} width={64} height={48} alt={`Latest camera still of ${row.candidateName}, ${at}`} data-testid="seat-still" />
      <span className="pc-small">camera {at}</span>
    </span>
  );
}
