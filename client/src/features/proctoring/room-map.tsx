/**
 * The room map (#17.7): every seat as a card laid out by seat number, as the room is, with its state, time left and
 * the reasons it needs attention, and the seat's first action. Keyboard: Tab reaches the map once (a roving tab
 * stop); the arrow keys move between seats along the rows and columns of the grid, Home and End to the first and last;
 * Tab then goes through the focused seat's buttons.
 */
import { useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { RosterRow } from '../../../../shared/api/proctoring.ts';
import { breakOf } from '../../../../shared/breaks.ts';
import { formatClock } from '../../lib/clock-offset.ts';
import { formatZonedCompact } from '../../lib/zoned-time.ts';
import type { ErrorBody, TestCenter } from './api.ts';
import { attentionText, moduleTitle, onBreakText, pauseReasonText, roomMapRows, seatRemainingMs, seatStatus, stateText } from './roster.ts';
import { ApiErrorMessage, type SeatAction } from './seat-dialogs.tsx';

export const Hidden = ({ children }: { children: ReactNode }) => <span className="visually-hidden">{children}</span>;

type OnOpen = (a: SeatAction, r: RosterRow) => void;
type OnImmediate = (r: RosterRow, a: 'start' | 'resume') => void;

/** The seat's first action (Admit, Start, Pause, Resume or End break), shared by the table row and the map's card. */
export function PrimaryAction({ row, busy, errorId, onOpen, onImmediate }: { row: RosterRow; busy: boolean; errorId?: string; onOpen: OnOpen; onImmediate: OnImmediate }) {
  const status = seatStatus(row);
  const name = row.candidateName;
  if (status === 'waiting')
    return (
      <button type="button" onClick={() => onOpen('admit', row)}>
        Admit<Hidden> {name}</Hidden>
      </button>
    );
  if (status === 'admitted')
    return (
      <button type="button" onClick={() => onImmediate(row, 'start')} disabled={busy} aria-describedby={errorId}>
        Start<Hidden> {name}</Hidden>
      </button>
    );
  if (status === 'in_progress')
    return (
      <button type="button" onClick={() => onOpen('pause', row)}>
        Pause<Hidden> {name}</Hidden>
      </button>
    );
  if (status === 'paused')
    return (
      <button type="button" onClick={() => onImmediate(row, 'resume')} disabled={busy} aria-describedby={errorId}>
        {breakOf(row.pauseReason) ? 'End break' : 'Resume'}
        <Hidden> {name}</Hidden>
      </button>
    );
  return null;
}

/** How many columns the grid has now (it reflows with the window), read from its computed style. */
function columnsOf(grid: HTMLElement | null): number {
  if (!grid) return 1;
  const cols = getComputedStyle(grid).gridTemplateColumns.split(' ').filter(Boolean).length;
  return Math.max(1, cols);
}

export function RoomMap(props: {
  rows: readonly RosterRow[];
  total: number;
  center: TestCenter;
  day: string;
  clientNow: number;
  offsetMs: number;
  busyRow: string | null;
  rowErrors: Record<string, { error: ErrorBody; status: string }>;
  onOpen: OnOpen;
  onImmediate: OnImmediate;
}) {
  const ordered = roomMapRows(props.rows);
  const grid = useRef<HTMLUListElement>(null);
  const [active, setActive] = useState(0);
  const current = Math.min(active, Math.max(0, ordered.length - 1));

  function move(e: KeyboardEvent<HTMLUListElement>) {
    const cards = [...(grid.current?.querySelectorAll<HTMLElement>('[data-card]') ?? [])];
    const from = cards.findIndex((c) => c.contains(document.activeElement));
    if (from < 0) return;
    const cols = columnsOf(grid.current);
    const to =
      e.key === 'ArrowRight' ? from + 1 : e.key === 'ArrowLeft' ? from - 1 : e.key === 'ArrowDown' ? from + cols : e.key === 'ArrowUp' ? from - cols : e.key === 'Home' ? 0 : e.key === 'End' ? cards.length - 1 : null;
    if (to === null) return;
    e.preventDefault();
    const target = cards[Math.max(0, Math.min(cards.length - 1, to))];
    if (target) {
      setActive(cards.indexOf(target));
      target.focus();
    }
  }

  const seated = ordered.filter((r) => r.seat).length;
  return (
    <section className="pc-map" aria-labelledby="map-caption" data-testid="room-map">
      <p id="map-caption" className="pc-map-caption">
        Room map on {props.day}: {props.rows.length === props.total ? `${props.total} seat${props.total === 1 ? '' : 's'}` : `${props.rows.length} of ${props.total} seats shown`} by seat number
        {seated < ordered.length ? `, ${ordered.length - seated} without a seat at the end` : ''}. Arrow keys move between seats. Times in {props.center.timeZone}.
      </p>
      {ordered.length === 0 ? (
        <p className="muted">{props.total === 0 ? 'No seats on this day.' : 'No seat matches the filters.'}</p>
      ) : (
        <ul className="pc-map-grid" ref={grid} onKeyDown={move}>
          {ordered.map((r, i) => (
            <SeatCard key={r.sessionId} row={r} tabbable={i === current} onFocusCard={() => setActive(i)} {...props} busy={props.busyRow === r.sessionId} rowError={props.rowErrors[r.sessionId]?.status === seatStatus(r) ? props.rowErrors[r.sessionId]!.error : null} />
          ))}
        </ul>
      )}
    </section>
  );
}

function SeatCard(props: { row: RosterRow; tabbable: boolean; onFocusCard: () => void; center: TestCenter; clientNow: number; offsetMs: number; busy: boolean; rowError: ErrorBody | null; onOpen: OnOpen; onImmediate: OnImmediate }) {
  const { row } = props;
  const status = seatStatus(row);
  const live = status === 'in_progress' || status === 'paused';
  const remaining = seatRemainingMs(row, props.offsetMs, props.clientNow);
  const onBreak = status === 'paused' ? breakOf(row.pauseReason) : null;
  const titleId = `card-${row.sessionId}`;
  const errorId = `card-error-${row.sessionId}`;
  return (
    <li className={`pc-card pc-row-${status}${row.attention.length ? ' pc-card-attention' : ''}`} data-testid="seat-card" data-seat={row.seat ?? ''}>
      <article data-card aria-labelledby={titleId} tabIndex={props.tabbable ? 0 : -1} onFocus={props.onFocusCard}>
        <h3 id={titleId} className="pc-card-title">
          <span className="pc-card-seat">{row.seat ? `Seat ${row.seat}` : 'No seat'}</span>
          <span className="pc-card-name">{row.candidateName}</span>
        </h3>
        <p className="pc-small">
          <abbr title={moduleTitle(row.module)}>{row.module}</abbr> · <span className={`pc-state pc-state-${status}`}>{stateText(row)}</span>
          {remaining !== null && live && <> · {formatClock(remaining)} left{!row.running ? ' (stopped)' : ''}</>}
        </p>
        {row.pauseReason && status === 'paused' && (
          <p className="pc-small">
            {onBreakText(row.pauseReason) ?? `Paused: ${pauseReasonText(row.pauseReason)}`}
            {onBreak && row.breakEndsAt ? `, until ${formatZonedCompact(row.breakEndsAt, props.center.timeZone)}` : ''}
          </p>
        )}
        {row.attention.length > 0 ? (
          <ul className="pc-card-attention" aria-label="Needs attention">
            {row.attention.map((a) => (
              <li key={a} className="tag pc-attn-tag">
                {attentionText(a)}
              </li>
            ))}
          </ul>
        ) : null}
        <div className="pc-actions">
          <PrimaryAction row={row} busy={props.busy} errorId={props.rowError ? errorId : undefined} onOpen={props.onOpen} onImmediate={props.onImmediate} />
          {row.attention.includes('raised-hand') && (
            <button type="button" onClick={() => props.onOpen('answer-hand', row)}>
              Answer<Hidden> {row.candidateName}'s raised hand</Hidden>
            </button>
          )}
          {status !== 'ended' && (
            <button type="button" className="link" onClick={() => props.onOpen('seat', row)}>
              {row.seat ? 'Change' : 'Set'} seat<Hidden> for {row.candidateName}</Hidden>
            </button>
          )}
          <button type="button" className="link" onClick={() => props.onOpen('timeline', row)}>
            Timeline<Hidden> for {row.candidateName}</Hidden>
          </button>
        </div>
        {props.rowError && (
          <div id={errorId}>
            <ApiErrorMessage error={props.rowError} />
          </div>
        )}
      </article>
    </li>
  );
}
