import type { ReactNode } from 'react';

/** A form's error line: announced at once (role=alert), nothing rendered while there is no error. */
export function FormError({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <p role="alert" className="error">
      {error}
    </p>
  );
}

/** A submit button that is disabled and says what it is doing while the request is in flight (no double submits). */
export function BusySubmit({ busy, busyLabel, children }: { busy: boolean; busyLabel: string; children: ReactNode }) {
  return (
    <button type="submit" disabled={busy}>
      {busy ? busyLabel : children}
    </button>
  );
}
