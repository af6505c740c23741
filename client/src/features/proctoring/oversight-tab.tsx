/**
 * Oversight (#17.9): extensions past the per-exam cap waiting for an admin (a proctor sees them, an admin approves or
 * declines them), and, for an admin, the day's terminated or timed-out attempts that can be reopened. Every decision
 * is audited on the server with both people.
 */
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { RosterRow } from '../../../../shared/api/proctoring.ts';
import { Dialog } from '../../components/ui/dialog.tsx';
import { spokenDuration } from '../../lib/clock-offset.ts';
import * as proctorApi from './api.ts';
import type { ErrorBody, ExtensionRequest, TestCenter } from './api.ts';
import { moduleTitle } from './roster.ts';
import { formatZonedCompact } from '../../lib/zoned-time.ts';
import { ApiErrorMessage, Buttons, useAction } from './seat-dialogs.tsx';
import { BusySubmit, CheckedInput } from '../../components/ui/form-parts.tsx';

const END_TEXT: Record<string, string> = { terminated: 'Terminated', expired: 'Time ran out' };
/** Seats an admin may reopen: ended by termination or time-up (scored or not yet). */
export const reopenable = (r: RosterRow) => (r.state === 'terminated' || r.state === 'expired' || (r.state === 'scored' && (r.endReason === 'terminated' || r.endReason === 'expired')));

export function OversightTab({ center, role, rows, visible, announce }: { center: TestCenter; role: 'admin' | 'proctor'; rows: RosterRow[]; visible: boolean; announce: (m: string) => void }) {
  const [requests, setRequests] = useState<ExtensionRequest[] | null>(null);
  const [error, setError] = useState<ErrorBody | null>(null);
  const [deciding, setDeciding] = useState<{ request: ExtensionRequest; decision: 'approve' | 'decline' } | null>(null);
  const [reopening, setReopening] = useState<RosterRow | null>(null);
  const load = useCallback(async () => {
    const r = await proctorApi.extensionRequests(center.id);
    if (r.ok) {
      setRequests(r.data);
      setError(null);
    } else setError(r.error);
  }, [center.id]);
  // Fresh whenever the tab is shown and while it stays open (requests arrive from other proctors' consoles).
  useEffect(() => {
    if (!visible) return;
    void load();
    const timer = setInterval(() => void load(), 15_000);
    return () => clearInterval(timer);
  }, [visible, load]);
  const ended = rows.filter(reopenable);
  const isAdmin = role === 'admin';

  return (
    <div className="pc-tab-body stack">
      <section aria-labelledby="ov-ext-title" className="stack">
        <h2 id="ov-ext-title">Extensions waiting for an admin</h2>
        <p className="muted">
          A proctor may extend an exam up to the per-exam cap; an extension past it is sent here, and the time is added only when an admin approves it.
          {isAdmin ? '' : ' An admin decides.'}
        </p>
        <ApiErrorMessage error={error} />
        {requests === null && !error && <p role="status">Loading requests…</p>}
        {requests && requests.length === 0 && <p data-testid="no-extension-requests">No extension is waiting.</p>}
        {requests && requests.length > 0 && (
          <div className="table-wrap pc-table-wrap pc-short" role="region" aria-labelledby="ov-ext-caption" tabIndex={0}>
            <table className="pc-table">
              <caption id="ov-ext-caption">Pending extension requests, oldest first (times in {center.timeZone})</caption>
              <thead>
                <tr>
                  <th scope="col">Candidate</th>
                  <th scope="col">Module</th>
                  <th scope="col">Minutes</th>
                  <th scope="col">Reason</th>
                  <th scope="col">Requested</th>
                  {isAdmin && <th scope="col">Decision</th>}
                </tr>
              </thead>
              <tbody>
                {requests.map((r) => (
                  <tr key={r.id} data-testid="extension-request">
                    <th scope="row">{r.candidateName}</th>
                    <td>{moduleTitle(r.module)}</td>
                    <td>{r.minutes}</td>
                    <td>{r.reason}</td>
                    <td>
                      {formatZonedCompact(r.requestedAt, center.timeZone)} by {r.requestedBy ?? 'unknown'}
                    </td>
                    {isAdmin && (
                      <td>
                        <div className="row">
                          <button type="button" onClick={() => setDeciding({ request: r, decision: 'approve' })} aria-label={`Approve ${r.minutes} minutes for ${r.candidateName}`}>
                            Approve
                          </button>
                          <button type="button" className="secondary" onClick={() => setDeciding({ request: r, decision: 'decline' })} aria-label={`Decline ${r.minutes} minutes for ${r.candidateName}`}>
                            Decline
                          </button>
                        </div>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {isAdmin && (
        <section aria-labelledby="ov-reopen-title" className="stack">
          <h2 id="ov-reopen-title">Reopen an ended exam</h2>
          <p className="muted">
            A wrongly terminated attempt, or one whose time ran out because of a failure, goes back to paused with the time it had left (plus any minutes you credit). Its
            score is withdrawn; the proctor resumes it. An attempt that earned a credential cannot be reopened (void its result instead).
          </p>
          {ended.length === 0 ? (
            <p data-testid="nothing-to-reopen">No terminated or timed-out exam on this day.</p>
          ) : (
            <ul className="stack" aria-label="Ended exams that can be reopened">
              {ended.map((r) => (
                <li key={r.sessionId} className="row pc-align-end" data-testid="reopenable">
                  <span>
                    <strong>{r.candidateName}</strong> · {moduleTitle(r.module)} · {END_TEXT[r.endReason ?? r.state] ?? r.endReason} · {r.remainingMs > 0 ? `${spokenDuration(r.remainingMs)} left` : 'no time left'}
                  </span>
                  <button type="button" className="secondary" onClick={() => setReopening(r)} aria-label={`Reopen ${r.candidateName}'s exam`}>
                    Reopen…
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}

      {deciding && (
        <DecideDialog
          {...deciding}
          onClose={() => setDeciding(null)}
          onDone={(m) => {
            setDeciding(null);
            announce(m);
            void load();
          }}
        />
      )}
      {reopening && (
        <ReopenDialog
          row={reopening}
          onClose={() => setReopening(null)}
          onDone={(m) => {
            setReopening(null);
            announce(m);
          }}
        />
      )}
    </div>
  );
}

function DecideDialog({ request, decision, onClose, onDone }: { request: ExtensionRequest; decision: 'approve' | 'decline'; onClose: () => void; onDone: (m: string) => void }) {
  const [note, setNote] = useState('');
  const [tried, setTried] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  const { busy, error, run } = useAction();
  const problem = decision === 'decline' && note.trim().length < 3 ? 'Say why (at least 3 characters).' : null;
  async function submit(e: FormEvent) {
    e.preventDefault();
    setTried(true);
    if (problem) return first.current?.focus();
    const done = await run(() => (decision === 'approve' ? proctorApi.approveExtension(request.id, note.trim() || undefined) : proctorApi.declineExtension(request.id, note.trim())));
    if (done) onDone(decision === 'approve' ? `Approved ${request.minutes} more minutes for ${request.candidateName}.` : `Declined the extension for ${request.candidateName}.`);
  }
  return (
    <Dialog title={`${decision === 'approve' ? 'Approve' : 'Decline'} ${request.minutes} minutes for ${request.candidateName}`} onClose={onClose} initialFocus={first}>
      <form onSubmit={submit} className="stack" noValidate>
        <p>
          Requested by {request.requestedBy ?? 'a proctor'}: “{request.reason}”. {decision === 'approve' ? 'The minutes are added to the exam now.' : 'Nothing is added; the proctor sees the decision.'}
        </p>
        <CheckedInput label={decision === 'approve' ? 'Note (optional)' : 'Why'} problem={tried ? problem : null} inputRef={first} value={note} onChange={(e) => setNote(e.target.value)} maxLength={500} required={decision === 'decline'} />
        <ApiErrorMessage error={error} />
        <Buttons onCancel={onClose}>
          <BusySubmit busy={busy} busyLabel="Saving…">
            {decision === 'approve' ? 'Approve extension' : 'Decline extension'}
          </BusySubmit>
        </Buttons>
      </form>
    </Dialog>
  );
}

function ReopenDialog({ row, onClose, onDone }: { row: RosterRow; onClose: () => void; onDone: (m: string) => void }) {
  const [reason, setReason] = useState('');
  const [credit, setCredit] = useState(row.remainingMs > 0 ? '0' : '10');
  const [tried, setTried] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  const { busy, error, run } = useAction();
  const n = Number(credit);
  const reasonProblem = reason.trim().length < 3 ? 'Give a reason (at least 3 characters).' : null;
  const creditProblem = Number.isInteger(n) && n >= 0 && n <= 120 ? null : 'Enter a whole number of minutes from 0 to 120.';
  async function submit(e: FormEvent) {
    e.preventDefault();
    setTried(true);
    if (reasonProblem || creditProblem) return first.current?.focus();
    if (await run(() => proctorApi.reopen(row.sessionId, { reason: reason.trim(), creditMinutes: n }))) onDone(`Reopened ${row.candidateName}'s exam: it is paused until the proctor resumes it.`);
  }
  return (
    <Dialog title={`Reopen ${row.candidateName}'s exam`} role="alertdialog" onClose={onClose} initialFocus={first}>
      <form onSubmit={submit} className="stack" noValidate>
        <p>
          The exam goes back to paused with {row.remainingMs > 0 ? spokenDuration(row.remainingMs) : 'no time'} left, plus the minutes you credit. Its score is withdrawn and
          it is scored again when it ends.
        </p>
        <CheckedInput label="Reason" problem={tried ? reasonProblem : null} inputRef={first} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} required />
        <CheckedInput label="Minutes to credit (0 to 120)" problem={tried ? creditProblem : null} type="number" inputMode="numeric" min={0} max={120} step={1} value={credit} onChange={(e) => setCredit(e.target.value)} className="pc-narrow" />
        <ApiErrorMessage error={error} />
        <Buttons onCancel={onClose}>
          <BusySubmit busy={busy} busyLabel="Reopening…">
            Reopen exam
          </BusySubmit>
        </Buttons>
      </form>
    </Dialog>
  );
}
