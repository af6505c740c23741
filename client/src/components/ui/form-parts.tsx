import { useId, type InputHTMLAttributes, type ReactNode, type Ref } from 'react';

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

/**
 * A labelled input with its problem under it: the problem is announced (role=alert), marks the input invalid and is
 * joined to it by aria-describedby, with the optional hint, so a screen reader reads the label, the problem and the hint.
 */
export function CheckedInput({ label, problem, hint, inputRef, ...input }: { label: ReactNode; problem: string | null; hint?: ReactNode; inputRef?: Ref<HTMLInputElement> } & Omit<InputHTMLAttributes<HTMLInputElement>, 'aria-invalid' | 'aria-describedby'>) {
  const id = useId();
  const describedBy = [problem ? `${id}-err` : null, hint ? `${id}-hint` : null].filter(Boolean).join(' ');
  return (
    <>
      <label>
        {label}
        <input ref={inputRef} {...input} aria-invalid={problem ? true : undefined} aria-describedby={describedBy || undefined} />
      </label>
      {hint && (
        <p id={`${id}-hint`} className="muted pc-small">
          {hint}
        </p>
      )}
      {problem && (
        <p id={`${id}-err`} className="error" role="alert">
          {problem}
        </p>
      )}
    </>
  );
}
