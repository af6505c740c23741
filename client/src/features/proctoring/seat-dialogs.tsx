/**
 * The dialogs behind the seat actions: admit (photo-ID check), pause, extend, terminate (a category and a note; only an admin can reopen), incident
 * note, timeline, admission ticket, and the center-wide pause/resume (fire drill). Each one shows the server's error
 * next to its buttons and stays open until the action succeeds; the row itself changes by push.
 */
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { RosterRow } from '../../../../shared/api/proctoring.ts';
import { Dialog } from '../../components/ui/dialog.tsx';
import { CheckedInput } from '../../components/ui/form-parts.tsx';
import { spokenDuration } from '../../lib/clock-offset.ts';
import * as proctorApi from './api.ts';
import type { ErrorBody, TestCenter, TimelineEvent } from './api.ts';
import { formatInZone, moduleTitle, timelineEventText } from './roster.ts';
import { formatZonedCompact } from '../../lib/zoned-time.ts';
import { SEAT_LABEL_PATTERN } from '../../../../shared/seats.ts';
import { INCIDENT_CATEGORY_TEXT, INCIDENT_SEVERITIES, PROCTOR_INCIDENT_CATEGORIES, type IncidentCategory, type IncidentSeverity, type ProctorIncidentCategory } from '../../../../shared/incidents.ts';

export type SeatAction = 'admit' | 'pause' | 'extend' | 'terminate' | 'note' | 'timeline' | 'ticket' | 'message' | 'answer-hand' | 'seat' | 'break' | 'camera-reopen';

/** The server's message, and each located problem, where the action is. */
export function ApiErrorMessage({ error, id }: { error: ErrorBody | null; id?: string }) {
  if (!error) return null;
  const problems = error.problems ?? [];
  return (
    <div role="alert" className="banner error pc-error" id={id}>
      <p>{error.message}</p>
      {problems.length > 0 && (
        <ul>
          {problems.map((p, i) => (
            <li key={i}>
              {p.line ? `Line ${p.line}: ` : ''}
              {p.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

const MIN_REASON = 3;
const reasonProblem = (r: string) => (r.trim().length < MIN_REASON ? `Give a reason (at least ${MIN_REASON} characters).` : null);

/** Runs one API call for a dialog: busy while it runs, the server's error kept to show next to the buttons. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorBody | null>(null);
  async function run<T>(call: () => Promise<{ ok: true; data: T } | { ok: false; error: ErrorBody }>): Promise<T | null> {
    setBusy(true);
    setError(null);
    const r = await call();
    setBusy(false);
    if (!r.ok) {
      setError(r.error);
      return null;
    }
    return r.data;
  }
  return { busy, error, setError, run };
}

function ReasonInput({ value, onChange, problem, inputRef, label = 'Reason', suggestions }: { value: string; onChange: (v: string) => void; problem: string | null; inputRef?: React.RefObject<HTMLInputElement | null>; label?: string; suggestions?: string[] }) {
  const id = useId();
  return (
    <>
      <CheckedInput label={label} problem={problem} inputRef={inputRef} value={value} onChange={(e) => onChange(e.target.value)} required minLength={MIN_REASON} maxLength={500} list={suggestions ? `${id}-list` : undefined} autoComplete="off" />
      {suggestions && (
        <datalist id={`${id}-list`}>
          {suggestions.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
      )}
    </>
  );
}

export function Buttons({ children, onCancel, cancelText = 'Cancel' }: { children: ReactNode; onCancel: () => void; cancelText?: string }) {
  return (
    <div className="dialog-actions">
      <button type="button" className="secondary" onClick={onCancel}>
        {cancelText}
      </button>
      {children}
    </div>
  );
}

type RunAction = ReturnType<typeof useAction>['run'];

/**
 * A dialog whose action needs a reason (pause, terminate, the fire drill): the reason is checked before anything is
 * sent, the server's error shows next to the buttons, and the dialog closes only when the action succeeded.
 */
function ReasonDialog(props: {
  title: string;
  intro: ReactNode;
  submitText: string;
  busyText: string;
  suggestions?: string[];
  /** Asks for confirmation (role alertdialog): the action is hard to take back or touches every seat. */
  confirm?: boolean;
  /** Cannot be undone: shown and styled as destructive. */
  danger?: boolean;
  cancelText?: string;
  /** The text field's label (default "Reason"). */
  label?: string;
  onClose: () => void;
  onDone: (message: string) => void;
  /** Does the action with the trimmed reason through `run`; the message to announce, or null when it failed. */
  act: (reason: string, run: RunAction) => Promise<string | null>;
}) {
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  const { busy, error, run } = useAction();
  const problem = tried ? reasonProblem(reason) : null;
  async function submit(e: FormEvent) {
    e.preventDefault();
    setTried(true);
    if (reasonProblem(reason)) return first.current?.focus();
    const done = await props.act(reason.trim(), run);
    if (done) props.onDone(done);
  }
  return (
    <Dialog title={props.title} role={props.confirm || props.danger ? 'alertdialog' : undefined} onClose={props.onClose} initialFocus={first} className={props.danger ? 'pc-danger' : undefined}>
      <form onSubmit={submit} className="stack" noValidate>
        {props.intro}
        <ReasonInput value={reason} onChange={setReason} problem={problem} inputRef={first} suggestions={props.suggestions} label={props.label} />
        <ApiErrorMessage error={error} />
        <Buttons onCancel={props.onClose} cancelText={props.cancelText}>
          <button type="submit" className={props.danger ? 'pc-danger-btn' : undefined} disabled={busy}>
            {busy ? props.busyText : props.submitText}
          </button>
        </Buttons>
      </form>
    </Dialog>
  );
}

export interface SeatDialogProps {
  action: SeatAction;
  row: RosterRow;
  center: TestCenter;
  onClose: () => void;
  /** The action succeeded: say so (politely announced) and close. */
  onDone: (message: string) => void;
}

export function SeatDialog(props: SeatDialogProps) {
  switch (props.action) {
    case 'admit':
      return <AdmitDialog {...props} />;
    case 'pause':
      return <PauseDialog {...props} />;
    case 'extend':
      return <ExtendDialog {...props} />;
    case 'terminate':
      return <TerminateDialog {...props} />;
    case 'note':
      return <NoteDialog {...props} />;
    case 'timeline':
      return <TimelineDialog {...props} />;
    case 'ticket':
      return <TicketDialog {...props} />;
    case 'message':
      return <MessageDialog {...props} />;
    case 'answer-hand':
      return <MessageDialog {...props} answersHand />;
    case 'seat':
      return <SeatLabelDialog {...props} />;
    case 'break':
      return <BreakDialog {...props} />;
    case 'camera-reopen':
      return <CameraReopenDialog {...props} />;
  }
}

const SEAT_HINT = 'A seat or workstation: 1-12 letters, digits, spaces or dashes, e.g. 12 or B-03. One candidate per seat per day.';
/** What is wrong with a seat label as typed, or null (blank is allowed where it means "no seat"). */
const seatProblem = (v: string) => (v.trim() === '' || SEAT_LABEL_PATTERN.test(v.trim()) ? null : 'A seat is 1-12 letters, digits, spaces or dashes, starting with a letter or digit.');

function SeatInput({ value, onChange, problem, inputRef }: { value: string; onChange: (v: string) => void; problem: string | null; inputRef?: React.RefObject<HTMLInputElement | null> }) {
  return <CheckedInput label="Seat / workstation" problem={problem} hint={SEAT_HINT} inputRef={inputRef} value={value} onChange={(e) => onChange(e.target.value)} maxLength={12} className="pc-narrow" autoComplete="off" />;
}

/** Assign, change or clear the seat (#17.7); the server refuses a seat someone else has that day, naming them. */
function SeatLabelDialog({ row, onClose, onDone }: SeatDialogProps) {
  const [seat, setSeat] = useState(row.seat ?? '');
  const [tried, setTried] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  const { busy, error, run } = useAction();
  const problem = tried ? seatProblem(seat) : null;
  async function submit(e: FormEvent) {
    e.preventDefault();
    setTried(true);
    if (seatProblem(seat)) return first.current?.focus();
    const value = seat.trim() || null;
    if (await run(() => proctorApi.setSeat(row.sessionId, value))) onDone(value ? `${row.candidateName} is at seat ${value}.` : `${row.candidateName} has no seat now.`);
  }
  return (
    <Dialog title={`Seat for ${row.candidateName}`} onClose={onClose} initialFocus={first}>
      <form onSubmit={submit} className="stack" noValidate>
        <p>{row.seat ? `Now at seat ${row.seat}. Leave the field empty to clear the seat.` : 'No seat yet.'}</p>
        <SeatInput value={seat} onChange={setSeat} problem={problem} inputRef={first} />
        <ApiErrorMessage error={error} />
        <Buttons onCancel={onClose}>
          <button type="submit" disabled={busy}>
            {busy ? 'Saving…' : 'Save seat'}
          </button>
        </Buttons>
      </form>
    </Dialog>
  );
}

/** An unscheduled break for a seat (#17.10): the clock runs; the candidate resumes from their break screen. */
function BreakDialog({ row, onClose, onDone }: SeatDialogProps) {
  const [note, setNote] = useState('');
  const first = useRef<HTMLInputElement>(null);
  const { busy, error, run } = useAction();
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (await run(() => proctorApi.startBreak(row.sessionId, note.trim() || undefined))) onDone(`${row.candidateName} is on a break.`);
  }
  return (
    <Dialog title={`Break for ${row.candidateName}`} onClose={onClose} initialFocus={first}>
      <form onSubmit={submit} className="stack" noValidate>
        <p>The question leaves the candidate's screen and a break screen shows instead. The exam clock keeps running; the candidate resumes when back, or you end the break from the row.</p>
        <label>
          Note (optional)
          <input ref={first} value={note} onChange={(e) => setNote(e.target.value)} maxLength={300} autoComplete="off" />
        </label>
        <ApiErrorMessage error={error} />
        <Buttons onCancel={onClose}>
          <button type="submit" disabled={busy}>
            {busy ? 'Starting…' : 'Start break'}
          </button>
        </Buttons>
      </form>
    </Dialog>
  );
}

function AdmitDialog({ row, onClose, onDone }: SeatDialogProps) {
  const [checked, setChecked] = useState(false);
  const [seat, setSeat] = useState(row.seat ?? '');
  const [tried, setTried] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  const { busy, error, run } = useAction();
  const sProblem = tried ? seatProblem(seat) : null;
  async function submit(e: FormEvent) {
    e.preventDefault();
    setTried(true);
    if (!checked || seatProblem(seat)) return;
    // The seat is sent only when it changed: the one given at scheduling stays otherwise.
    const value = seat.trim() || null;
    const given = value === (row.seat ?? null) ? undefined : value;
    if (await run(() => proctorApi.admit(row.sessionId, given))) onDone(`Admitted ${row.candidateName}${value ? ` at seat ${value}` : ''}.`);
  }
  return (
    <Dialog title={`Admit ${row.candidateName}`} onClose={onClose} initialFocus={first}>
      <form onSubmit={submit} className="stack" noValidate>
        <p>
          Compare the candidate's photo ID with the name <strong>{row.candidateName}</strong> ({moduleTitle(row.module)}). Admitting assigns the exam form;
          the candidate then reads the rules and starts the exam.
        </p>
        <label className="check">
          <input ref={first} type="checkbox" checked={checked} onChange={(e) => setChecked(e.target.checked)} required aria-invalid={tried && !checked ? true : undefined} aria-describedby={tried && !checked ? 'admit-id-error' : undefined} />
          I checked this candidate's photo ID
        </label>
        {tried && !checked && (
          <p id="admit-id-error" className="error" role="alert">
            Tick the box to confirm that you checked the photo ID.
          </p>
        )}
        <SeatInput value={seat} onChange={setSeat} problem={sProblem} />
        <ApiErrorMessage error={error} />
        <Buttons onCancel={onClose}>
          <button type="submit" disabled={busy}>
            {busy ? 'Admitting…' : 'Admit candidate'}
          </button>
        </Buttons>
      </form>
    </Dialog>
  );
}

const CAMERA_REOPEN_REASONS = ['Candidate asked to reconsider', 'Camera decision made by mistake', 'Center rules: camera required for this exam'];

/**
 * Reopen the seat camera decision (#17.11): the earlier decision stays on the record; stills stop until the candidate
 * answers again on their exam page (the clock keeps running). Audited and on the seat's timeline.
 */
function CameraReopenDialog({ row, onClose, onDone }: SeatDialogProps) {
  const was = row.camera?.consent === 'given' ? 'agreed to' : 'declined';
  return (
    <ReasonDialog
      title={`Ask ${row.candidateName} again about the seat camera`}
      intro={
        <p>
          {row.candidateName} {was} the seat camera. Their exam page asks the question again, without stopping the clock; no still is taken until they answer. The earlier decision stays on the
          record.
        </p>
      }
      suggestions={CAMERA_REOPEN_REASONS}
      submitText="Ask again"
      busyText="Asking…"
      onClose={onClose}
      onDone={onDone}
      act={async (reason, run) => ((await run(() => proctorApi.reopenCamera(row.sessionId, reason))) ? `${row.candidateName} is asked about the seat camera again.` : null)}
    />
  );
}

const PAUSE_REASONS = ['Restroom break', 'Technical problem at the workstation', 'Candidate question', 'Irregularity check', 'Fire drill'];

function PauseDialog({ row, onClose, onDone }: SeatDialogProps) {
  return (
    <ReasonDialog
      title={`Pause ${row.candidateName}'s exam`}
      intro={<p>The clock stops and the candidate sees a pause screen with your reason. Paused time is given back.</p>}
      suggestions={PAUSE_REASONS}
      submitText="Pause exam"
      busyText="Pausing…"
      onClose={onClose}
      onDone={onDone}
      act={async (reason, run) => ((await run(() => proctorApi.pause(row.sessionId, reason))) ? `Paused ${row.candidateName}'s exam.` : null)}
    />
  );
}

function ExtendDialog({ row, onClose, onDone }: SeatDialogProps) {
  const [minutes, setMinutes] = useState('10');
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  const { busy, error, run } = useAction();
  const n = Number(minutes);
  const minutesProblem = Number.isInteger(n) && n >= 1 && n <= 120 ? null : 'Enter a whole number of minutes from 1 to 120.';
  const rProblem = reasonProblem(reason);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setTried(true);
    if (minutesProblem || rProblem) return;
    const r = await run(() => proctorApi.extend(row.sessionId, n, reason.trim()));
    if (!r) return;
    // Past the per-exam cap the extension waits for an admin (Oversight tab); within it the time is added now.
    if (r.outcome === 'requested') onDone(`${n} more minutes for ${row.candidateName} would pass the ${r.capMinutes}-minute cap (${r.extendedMinutes} given so far): sent to an admin for approval.`);
    else onDone(`Gave ${row.candidateName} ${n} more minute${n === 1 ? '' : 's'}.`);
  }
  return (
    <Dialog title={`Extend ${row.candidateName}'s time`} onClose={onClose} initialFocus={first}>
      <form onSubmit={submit} className="stack" noValidate>
        <label>
          Extra minutes (1 to 120)
          <input ref={first} type="number" inputMode="numeric" min={1} max={120} step={1} value={minutes} onChange={(e) => setMinutes(e.target.value)} required aria-invalid={tried && minutesProblem ? true : undefined} aria-describedby={tried && minutesProblem ? 'extend-min-error' : undefined} className="pc-narrow" />
        </label>
        {tried && minutesProblem && (
          <p id="extend-min-error" className="error" role="alert">
            {minutesProblem}
          </p>
        )}
        <ReasonInput value={reason} onChange={setReason} problem={tried ? rProblem : null} suggestions={['Late start', 'Technical problem', 'Approved accommodation']} />
        <ApiErrorMessage error={error} />
        <Buttons onCancel={onClose}>
          <button type="submit" disabled={busy}>
            {busy ? 'Saving…' : Number.isInteger(n) && n > 0 ? `Give ${n} more minute${n === 1 ? '' : 's'}` : 'Give more time'}
          </button>
        </Buttons>
      </form>
    </Dialog>
  );
}

/** The incident category (the proctor's choices) and severity, as two labelled selects (#17.8). */
function CategoryFields(props: {
  category: ProctorIncidentCategory | '';
  onCategory: (c: ProctorIncidentCategory | '') => void;
  severity: IncidentSeverity;
  onSeverity: (s: IncidentSeverity) => void;
  /** Shown when the category is missing and required. */
  problem: string | null;
  categoryRef?: React.RefObject<HTMLSelectElement | null>;
}) {
  const id = useId();
  return (
    <div className="row pc-align-end">
      <label>
        Category
        <select ref={props.categoryRef} value={props.category} onChange={(e) => props.onCategory(e.target.value as ProctorIncidentCategory | '')} required aria-invalid={props.problem ? true : undefined} aria-describedby={props.problem ? `${id}-err` : undefined}>
          <option value="">Choose…</option>
          {PROCTOR_INCIDENT_CATEGORIES.map((c) => (
            <option key={c} value={c}>
              {INCIDENT_CATEGORY_TEXT[c]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Severity
        <select value={props.severity} onChange={(e) => props.onSeverity(e.target.value as IncidentSeverity)}>
          {INCIDENT_SEVERITIES.map((s) => (
            <option key={s} value={s}>
              {s.charAt(0).toUpperCase() + s.slice(1)}
            </option>
          ))}
        </select>
      </label>
      {props.problem && (
        <p id={`${id}-err`} className="error" role="alert">
          {props.problem}
        </p>
      )}
    </div>
  );
}

function TerminateDialog({ row, onClose, onDone }: SeatDialogProps) {
  const [category, setCategory] = useState<ProctorIncidentCategory | ''>('');
  const [severity, setSeverity] = useState<IncidentSeverity>('high');
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const first = useRef<HTMLSelectElement>(null);
  const { busy, error, run } = useAction();
  const categoryProblem = category ? null : 'Choose the category of the incident.';
  const rProblem = reasonProblem(reason);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setTried(true);
    if (categoryProblem || rProblem || !category) return first.current?.focus();
    if (await run(() => proctorApi.terminate(row.sessionId, { category, severity, note: reason.trim() }))) onDone(`Terminated ${row.candidateName}'s exam.`);
  }
  return (
    <Dialog title={`Terminate ${row.candidateName}'s exam?`} role="alertdialog" onClose={onClose} initialFocus={first} className="pc-danger">
      <form onSubmit={submit} className="stack" noValidate>
        <p className="banner error">
          <strong>You cannot undo this.</strong> The exam ends now and is recorded as terminated, which counts as a failed attempt for the retake rules;
          only an admin can reopen it. The candidate sees your reason; the category and severity go on the incident record and the irregularity report.
        </p>
        <CategoryFields category={category} onCategory={setCategory} severity={severity} onSeverity={setSeverity} problem={tried ? categoryProblem : null} categoryRef={first} />
        <ReasonInput value={reason} onChange={setReason} problem={tried ? rProblem : null} />
        <ApiErrorMessage error={error} />
        <Buttons onCancel={onClose} cancelText="Keep the exam running">
          <button type="submit" className="pc-danger-btn" disabled={busy}>
            {busy ? 'Terminating…' : 'Terminate exam'}
          </button>
        </Buttons>
      </form>
    </Dialog>
  );
}

function NoteDialog({ row, onClose, onDone }: SeatDialogProps) {
  const [note, setNote] = useState('');
  const [category, setCategory] = useState<ProctorIncidentCategory | ''>('other');
  const [severity, setSeverity] = useState<IncidentSeverity>('low');
  const [tried, setTried] = useState(false);
  const first = useRef<HTMLTextAreaElement>(null);
  const { busy, error, run } = useAction();
  const problem = note.trim().length < 3 ? 'Write at least 3 characters.' : null;
  const categoryProblem = category ? null : 'Choose the category of the incident.';
  async function submit(e: FormEvent) {
    e.preventDefault();
    setTried(true);
    if (problem) return first.current?.focus();
    if (categoryProblem || !category) return;
    if (await run(() => proctorApi.addNote(row.sessionId, { note: note.trim(), category, severity }))) onDone(`Incident note saved for ${row.candidateName}.`);
  }
  return (
    <Dialog title={`Incident note for ${row.candidateName}`} onClose={onClose} initialFocus={first}>
      <form onSubmit={submit} className="stack" noValidate>
        <label>
          What happened
          {/* tabIndex 0: the dialog's focus trap counts elements with a tabindex, and textareas otherwise escape it. */}
          <textarea ref={first} tabIndex={0} value={note} onChange={(e) => setNote(e.target.value)} rows={4} maxLength={2000} required aria-invalid={tried && problem ? true : undefined} aria-describedby={tried && problem ? 'note-error' : 'note-hint'} />
        </label>
        <p id="note-hint" className="muted">
          Recorded with your name and the time in the session's incident log and timeline.
        </p>
        <CategoryFields category={category} onCategory={setCategory} severity={severity} onSeverity={setSeverity} problem={tried ? categoryProblem : null} />
        {tried && problem && (
          <p id="note-error" className="error" role="alert">
            {problem}
          </p>
        )}
        <ApiErrorMessage error={error} />
        <Buttons onCancel={onClose}>
          <button type="submit" disabled={busy}>
            {busy ? 'Saving…' : 'Save note'}
          </button>
        </Buttons>
      </form>
    </Dialog>
  );
}

/** A short message to one candidate (#17.6), or the answer to their raised hand (#17.3). */
function MessageDialog({ row, onClose, onDone, answersHand = false }: SeatDialogProps & { answersHand?: boolean }) {
  return (
    <ReasonDialog
      title={answersHand ? `Answer ${row.candidateName}'s raised hand` : `Message to ${row.candidateName}`}
      label="Message"
      intro={<p>{answersHand ? 'The candidate sees your message as an alert and the raised hand is taken off the attention list.' : 'The candidate sees it at once as an alert on the exam screen; it is logged on the timeline.'}</p>}
      suggestions={answersHand ? ['I am on my way.', 'Please wait, I will be with you in a minute.'] : ['10 minutes left.', 'Please keep your eyes on your own screen.']}
      submitText="Send message"
      busyText="Sending…"
      onClose={onClose}
      onDone={onDone}
      act={async (text, run) => {
        const d = await run(() => (answersHand ? proctorApi.answerHand(row.sessionId, text) : proctorApi.messageSeat(row.sessionId, text)));
        return d ? `Message sent to ${row.candidateName}.` : null;
      }}
    />
  );
}

/** A message to every running or paused seat of the center ("10 minutes to the fire drill"). */
export function RoomMessageDialog({ center, count, onClose, onDone }: { center: TestCenter; count: number; onClose: () => void; onDone: (message: string) => void }) {
  return (
    <ReasonDialog
      title="Message to the room"
      label="Message"
      confirm
      intro={
        <p>
          Every candidate whose exam is running or paused at {center.name} (<strong>{count}</strong> now) sees it at once as an alert. It is logged on each timeline.
        </p>
      }
      suggestions={['10 minutes to the fire drill.', '30 minutes left.', 'Please keep the room quiet.']}
      submitText="Send to the room"
      busyText="Sending…"
      onClose={onClose}
      onDone={onDone}
      act={async (text, run) => {
        const d = await run(() => proctorApi.messageRoom(center.id, text));
        return d ? `Message sent to ${d.messaged} ${d.messaged === 1 ? 'seat' : 'seats'}.` : null;
      }}
    />
  );
}

function eventDetail(e: TimelineEvent): string | null {
  const amount = e.details && typeof e.details.amountMs === 'number' ? e.details.amountMs : null;
  if (amount) return `${amount > 0 ? '+' : '−'}${spokenDuration(Math.abs(amount))}`;
  const category = e.details?.category;
  const severity = e.details?.severity;
  if (typeof category === 'string' && category !== 'administrative') return `${INCIDENT_CATEGORY_TEXT[category as IncidentCategory] ?? category}, ${String(severity ?? '')} severity`;
  return null;
}

function TimelineDialog({ row, center, onClose }: SeatDialogProps) {
  const [events, setEvents] = useState<TimelineEvent[] | null>(null);
  const { error, run } = useAction();
  const loaded = useRef(false);
  useEffect(() => {
    if (loaded.current) return; // once per open dialog (StrictMode runs effects twice in development)
    loaded.current = true;
    void run(() => proctorApi.timeline(row.sessionId)).then((d) => d && setEvents(d.events));
  });
  return (
    <Dialog title={`Timeline: ${row.candidateName}`} onClose={onClose} className="pc-wide-dialog">
      <p className="muted">
        {moduleTitle(row.module)} · every event from scheduling to score, oldest first · times in {center.timeZone}
      </p>
      <ApiErrorMessage error={error} />
      {!events && !error && <p role="status">Loading the timeline…</p>}
      {events && events.length === 0 && <p>No events yet.</p>}
      {events && events.length > 0 && (
        <ol className="pc-timeline" aria-label={`Events for ${row.candidateName}, oldest first`}>
          {events.map((e, i) => {
            const detail = eventDetail(e);
            return (
              <li key={i} className={`pc-tl-${e.source}`}>
                <time dateTime={e.at}>{formatZonedCompact(e.at, center.timeZone, 'date-time-seconds')}</time>
                <span>
                  <span className="pc-tl-event">
                    {timelineEventText(e.event)}
                    {detail ? ` (${detail})` : ''}
                  </span>
                  {e.reason && <span className="pc-tl-reason"> · “{e.reason}”</span>}
                  {e.actorRole && <span className="muted"> · by {e.actorRole}</span>}
                  {e.event === 'camera.still' && typeof e.details?.stillId === 'string' && (
                    <img className="pc-tl-still" src={proctorApi.stillUrl(row.sessionId, e.details.stillId)} width={160} height={120} loading="lazy" alt={`Camera still of ${row.candidateName} at ${formatZonedCompact(e.at, center.timeZone, 'time-seconds')}`} />
                  )}
                </span>
              </li>
            );
          })}
        </ol>
      )}
      <div className="dialog-actions">
        <a className="button secondary" href={proctorApi.irregularityReportUrl(row.sessionId)} download>
          Irregularity report (PDF)
        </a>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}

function TicketDialog({ row, center, onClose }: SeatDialogProps) {
  const [issued, setIssued] = useState<{ code: string; expiresAt: string } | null>(null);
  const { error, run } = useAction();
  const printRef = useRef<HTMLButtonElement>(null);
  const asked = useRef(false);
  useEffect(() => {
    if (asked.current) return; // one code per open dialog (StrictMode runs effects twice in development)
    asked.current = true;
    void run(() => proctorApi.launchCode(row.sessionId)).then((d) => d && setIssued(d));
  });
  useEffect(() => {
    if (issued) printRef.current?.focus();
  }, [issued]);
  const allowed = row.remainingMs > 0 ? spokenDuration(row.remainingMs) : null;
  return (
    <Dialog title={`Admission ticket: ${row.candidateName}`} onClose={onClose} className="pc-wide-dialog pc-ticket-dialog">
      <ApiErrorMessage error={error} />
      {!issued && !error && <p role="status">Issuing a one-time code…</p>}
      {issued && (
        <article className="pc-ticket" data-testid="admission-ticket" aria-label="Printable admission ticket">
          <header className="pc-ticket-head">
            <strong>cpt-exam · MSSC Certified Production Technician</strong>
            <span>Admission ticket</span>
          </header>
          <dl className="pc-ticket-facts">
            <div>
              <dt>Candidate</dt>
              <dd>{row.candidateName}</dd>
            </div>
            <div>
              <dt>Module</dt>
              <dd>{moduleTitle(row.module)}</dd>
            </div>
            <div>
              <dt>Test center</dt>
              <dd>
                {center.name} ({center.code})
              </dd>
            </div>
            <div>
              <dt>Scheduled</dt>
              <dd>
                {formatInZone(row.scheduledAt, center.timeZone, { dateStyle: 'full', timeStyle: 'short' })} ({center.timeZone})
              </dd>
            </div>
            <div>
              <dt>Time allowed</dt>
              <dd>{allowed ?? '—'}</dd>
            </div>
            <div>
              <dt>Accommodation</dt>
              <dd>
                {row.timeMultiplier > 1 ? `Extra time ×${row.timeMultiplier}` : 'Standard time'}
                {row.separateRoom ? ' · separate room' : ''}
                {row.accommodationNote ? ` · ${row.accommodationNote}` : ''}
              </dd>
            </div>
          </dl>
          <div className="pc-ticket-code">
            <span>One-time sign-in code</span>
            <strong data-testid="launch-code">{issued.code}</strong>
            <span className="pc-small">Valid once, until {formatInZone(issued.expiresAt, center.timeZone)}.</span>
          </div>
          <h3>How to sign in</h3>
          <ol>
            <li>At the workstation the proctor gives you, open cpt-exam at {window.location.origin}.</li>
            <li>On the sign-in page choose “Launch code from my admission ticket” and type the code above (capital or small letters both work). The code works once; if you have a username and password, you can sign in with them instead and open the exam under “My exams”.</li>
            <li>Your {moduleTitle(row.module)} exam opens. Select “Check in” and keep your photo ID ready: the proctor checks it and admits you.</li>
            <li>Read and accept the candidate rules, try the practice question, then start the exam. The clock starts only then.</li>
          </ol>
        </article>
      )}
      <div className="dialog-actions">
        <button type="button" className="secondary" onClick={onClose}>
          Close
        </button>
        {issued && (
          <button ref={printRef} type="button" onClick={() => window.print()}>
            Print ticket
          </button>
        )}
      </div>
    </Dialog>
  );
}

/** Fire drill: pause every running seat, or resume every seat the proctors paused. */
export function BulkDialog({ kind, center, count, onClose, onDone }: { kind: 'pause' | 'resume'; center: TestCenter; count: number; onClose: () => void; onDone: (message: string) => void }) {
  const seats = `${count} ${count === 1 ? 'exam' : 'exams'}`;
  const exams = (n: number) => `${n} ${n === 1 ? 'exam' : 'exams'}`;
  return kind === 'pause' ? (
    <ReasonDialog
      title="Pause every running exam?"
      confirm
      intro={
        <p>
          This pauses <strong>{seats}</strong> running at {center.name} now (for example, a fire drill). Every candidate sees a pause screen with your reason;
          paused time is given back.
        </p>
      }
      suggestions={['Fire drill', 'Building alarm', 'Power problem']}
      submitText="Pause all exams"
      busyText="Working…"
      onClose={onClose}
      onDone={onDone}
      act={async (reason, run) => {
        const d = await run(() => proctorApi.pauseAll(center.id, reason));
        return d ? `Paused ${exams(d.paused)}.` : null;
      }}
    />
  ) : (
    <ReasonDialog
      title="Resume every paused exam?"
      confirm
      intro={
        <p>
          This resumes <strong>{seats}</strong> paused by proctors at {center.name}. Seats paused because the candidate disconnected resume when the candidate
          comes back.
        </p>
      }
      suggestions={['Drill over', 'All clear']}
      submitText="Resume all exams"
      busyText="Working…"
      onClose={onClose}
      onDone={onDone}
      act={async (reason, run) => {
        const d = await run(() => proctorApi.resumeAll(center.id, reason));
        return d ? `Resumed ${exams(d.resumed)}.` : null;
      }}
    />
  );
}
