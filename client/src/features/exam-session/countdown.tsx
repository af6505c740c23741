/**
 * The exam clock: re-reads `deadline - (now + offset)` four times a second; it never counts. While the clock is stopped
 * it shows the remaining time the server last reported.
 */
import { useEffect, useState } from 'react';
import { formatClock, remainingMs, spokenDuration, type ServerTime } from '../../lib/clock-offset.ts';

export function Countdown({ time, offsetMs, paused }: { time: ServerTime | null; offsetMs: number; paused: boolean }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!time?.running) return;
    const t = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(t);
  }, [time?.running]);
  if (!time) return null;
  const left = remainingMs(time, offsetMs, now);
  const low = left <= 5 * 60_000;
  return (
    <div className={`countdown${low ? ' low' : ''}`} aria-label={`Time left: ${spokenDuration(left)}${paused ? ', clock stopped' : ''}`} role="group">
      <span className="countdown-label" aria-hidden="true">
        Time left{paused ? ' (stopped)' : ''}
      </span>
      <span className="countdown-value" aria-hidden="true" data-testid="countdown">
        {formatClock(left)}
      </span>
    </div>
  );
}
