/**
 * What an account must do before anything else (Me.pending): choose its own password (the account was set up by
 * someone else), or turn on two-factor sign-in (staff roles where it is required). Also the second sign-in step.
 */
import { useState, type FormEvent } from 'react';
import type { changePasswordRequestSchema, changePasswordResponseSchema, Me, mfaCodeRequestSchema, mfaEnabledSchema, mfaEnrolmentSchema, mfaVerifyResponseSchema } from '../../../../shared/api/auth.ts';
import type { Wire } from '../../../../shared/api/common.ts';
import { BusySubmit, FormError } from '../../components/ui/form-parts.tsx';
import { api } from '../../lib/api-client.ts';

async function reloadMe(): Promise<Me | null> {
  const r = await api<Me>('GET', '/api/auth/me');
  return r.ok ? r.data : null;
}

/** The authenticator-code step of a staff sign-in. */
export function SecondFactor({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const r = await api<Wire<typeof mfaVerifyResponseSchema>>('POST', '/api/auth/mfa', { code } satisfies Wire<typeof mfaCodeRequestSchema>);
    setBusy(false);
    if (r.ok) onSignedIn(r.data.user);
    else setError(r.error.message);
  }
  return (
    <form className="card" onSubmit={submit} aria-labelledby="mfa-title">
      <h1 id="mfa-title">Two-factor sign-in</h1>
      <p>Enter the 6-digit code your authenticator app shows for cpt-exam, or one of your recovery codes.</p>
      <label>
        Authentication code
        <input autoComplete="one-time-code" inputMode="text" value={code} onChange={(e) => setCode(e.target.value)} required />
      </label>
      <FormError error={error} />
      <BusySubmit busy={busy} busyLabel="Checking…">
        Continue
      </BusySubmit>
    </form>
  );
}

export function ChangePassword({ forced, onDone }: { forced: boolean; onDone: (me: Me | null) => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    if (next !== again) return setError('The two new passwords are not the same.');
    const r = await api<Wire<typeof changePasswordResponseSchema>>('POST', '/api/auth/password', { currentPassword: current, newPassword: next } satisfies Wire<typeof changePasswordRequestSchema>);
    if (!r.ok) return setError(r.error.message);
    setDone(true);
    onDone(await reloadMe());
  }
  return (
    <form className="card" onSubmit={submit} aria-labelledby="pw-title">
      <h1 id="pw-title">{forced ? 'Choose your own password' : 'Change password'}</h1>
      {forced && <p>Your account was set up by someone else. Choose a password only you know before you continue.</p>}
      <p className="notice">At least 12 characters for staff (10 for candidates). A few unrelated words make a good passphrase. Common and breached passwords are refused.</p>
      <label>
        Current password
        <input type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} required />
      </label>
      <label>
        New password
        <input type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} required />
      </label>
      <label>
        New password again
        <input type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} required />
      </label>
      <FormError error={error} />
      {done && <p role="status">Password changed. Your other sessions were signed out.</p>}
      <button type="submit">Change password</button>
    </form>
  );
}

export function EnrolMfa({ onDone }: { onDone: (me: Me | null) => void }) {
  const [enrolment, setEnrolment] = useState<Wire<typeof mfaEnrolmentSchema> | null>(null);
  const [code, setCode] = useState('');
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  async function start() {
    setError(null);
    const r = await api<Wire<typeof mfaEnrolmentSchema>>('POST', '/api/auth/mfa/enrol');
    if (r.ok) setEnrolment(r.data);
    else setError(r.error.message);
  }
  async function confirm(e: FormEvent) {
    e.preventDefault();
    setError(null);
    const r = await api<Wire<typeof mfaEnabledSchema>>('POST', '/api/auth/mfa/confirm', { code } satisfies Wire<typeof mfaCodeRequestSchema>);
    if (r.ok) setCodes(r.data.recoveryCodes);
    else setError(r.error.message);
  }
  if (codes) {
    return (
      <section className="card" aria-labelledby="rc-title">
        <h1 id="rc-title">Save your recovery codes</h1>
        <p>Two-factor sign-in is on. If you lose your phone, each of these codes signs you in once. Keep them somewhere safe; they are not shown again.</p>
        <ul className="recovery-codes" aria-label="Recovery codes">
          {codes.map((c) => (
            <li key={c}>
              <code>{c}</code>
            </li>
          ))}
        </ul>
        <button type="button" onClick={async () => onDone(await reloadMe())}>
          I have saved them
        </button>
      </section>
    );
  }
  return (
    <section className="card" aria-labelledby="enrol-title">
      <h1 id="enrol-title">Turn on two-factor sign-in</h1>
      <p>Staff accounts sign in with a password and a code from an authenticator app (any TOTP app).</p>
      {!enrolment ? (
        <button type="button" onClick={start}>
          Set up an authenticator app
        </button>
      ) : (
        <form onSubmit={confirm} className="card">
          <p>
            In the app, add an account with this setup key (time-based, 6 digits): <code aria-label="Setup key">{enrolment.secret}</code>
          </p>
          <p className="notice">
            Or open this link on the phone: <a href={enrolment.otpauthUrl}>add cpt-exam to the authenticator</a>
          </p>
          <label>
            Code from the app
            <input autoComplete="one-time-code" inputMode="numeric" value={code} onChange={(e) => setCode(e.target.value)} required />
          </label>
          <button type="submit">Turn on</button>
        </form>
      )}
      <FormError error={error} />
    </section>
  );
}

/** The screen for an account with something pending. */
export function AccountSetup({ me, onDone }: { me: Me; onDone: (me: Me | null) => void }) {
  return me.pending === 'change-password' ? <ChangePassword forced onDone={onDone} /> : <EnrolMfa onDone={onDone} />;
}
