/**
 * Breaks on the candidate's screen (#17.10): the offer of a scheduled break when it is due, the confirmation of an
 * unscheduled one (the clock keeps running), and the break screen itself: a countdown (to the end of a scheduled
 * break, or the exam time left while the clock runs) and a Resume button. The question is not in the page meanwhile
 * (the exam screen hides it during every pause).
 */
import { useEffect, useRef, useState } from 'react';
import type { CurrentBreak } from '../../../../shared/protocol/session-protocol.ts';
import type { ScheduledBreak } from '../../../../shared/breaks.ts';
import { Dialog } from '../../components/ui/dialog.tsx';
import { formatClock, remainingMs, spokenDuration, type ServerTime } from '../../lib/clock-offset.ts';
import { scheduledBreakOffer, type ExamState } from './exam-state.ts';

/** Re-reads the clock every `ms` while `on`. */
function useTick(on: boolean, ms = 1000) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!on) return;
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [on, ms]);
  return now;
}

const clockWords = (b: Pick<ScheduledBreak, 'clock'>) => (b.clock === 'stops' ? 'the exam clock stops' : 'the exam clock keeps running');

/** Shows the offer of a scheduled break once it is due (re-checked every few seconds for a break at a minute). */
export function ScheduledBreakSlot({ state, offsetMs, onTake }: { state: ExamState; offsetMs: number; onTake: () => void }) {
  const now = useTick(state.breaks.scheduled.length > 0 && !state.paused, 5000);
  const remaining = state.time ? remainingMs(state.time, offsetMs, now) : 0;
  const offer = scheduledBreakOffer(state, remaining);
  return offer ? <ScheduledBreakOffer offer={offer.break} onTake={onTake} /> : null;
}

function ScheduledBreakOffer({ offer, onTake }: { offer: ScheduledBreak; onTake: () => void }) {
  return (
    <div className="banner info break-offer" role="status" data-testid="break-offer">
      <span>
        <strong>A scheduled break is available:</strong> up to {offer.minutes} minute{offer.minutes === 1 ? '' : 's'}; {clockWords(offer)}.
      </span>
      <button type="button" onClick={onTake}>
        Take the break
      </button>
    </div>
  );
}

export function UnscheduledBreakDialog({ onConfirm, onCancel }: { onConfirm: () => void; onCancel: () => void }) {
  const cancel = useRef<HTMLButtonElement>(null);
  return (
    <Dialog title="Take a break?" role="alertdialog" onClose={onCancel} initialFocus={cancel}>
      <p>
        This is an unscheduled break: <strong>the exam clock keeps running</strong> while you are away. The question is hidden until you resume. The proctor
        sees that you are on a break.
      </p>
      <div className="dialog-actions">
        <button type="button" ref={cancel} className="secondary" onClick={onCancel}>
          Keep working
        </button>
        <button type="button" onClick={onConfirm}>
          Start the break
        </button>
      </div>
    </Dialog>
  );
}

/** The break screen: what kind of break, a countdown, and Resume. */
export function BreakOverlay({ current, time, offsetMs, onResume, error, messages }: { current: CurrentBreak; time: ServerTime | null; offsetMs: number; onResume: () => void; error: string | null; messages: ExamState['messages'] }) {
  const now = useTick(true);
  const resume = useRef<HTMLButtonElement>(null);
  const endsAt = current.endsAt ? Date.parse(current.endsAt) : null;
  const breakLeft = endsAt !== null ? Math.max(0, endsAt - (now + offsetMs)) : null;
  const examLeft = time ? remainingMs(time, offsetMs, now) : null;
  return (
    <Dialog title={current.kind === 'scheduled' ? 'Scheduled break' : 'Break'} role="alertdialog" className="pause break-screen" initialFocus={resume}>
      {messages.map((m) => (
        <p key={m.id} className="banner info" role="alert">
          <strong>Message from the proctor:</strong> {m.text}
        </p>
      ))}
      <p>
        You are on {current.kind === 'scheduled' ? 'a scheduled' : 'an unscheduled'} break. The question is hidden and your answers are kept. {current.clock === 'stops' ? 'The exam clock is stopped.' : 'The exam clock keeps running.'}
      </p>
      {breakLeft !== null && (
        <p className="break-countdown" data-testid="break-countdown">
          Break ends in <strong aria-hidden="true">{formatClock(breakLeft)}</strong>
          <span className="visually-hidden">{spokenDuration(breakLeft)}</span>; the exam then continues by itself.
        </p>
      )}
      {examLeft !== null && current.clock === 'runs' && (
        <p data-testid="break-exam-time">
          Exam time left: <strong aria-hidden="true">{formatClock(examLeft)}</strong>
          <span className="visually-hidden">{spokenDuration(examLeft)}</span>
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" ref={resume} onClick={onResume}>
          Resume the exam
        </button>
      </div>
    </Dialog>
  );
}
