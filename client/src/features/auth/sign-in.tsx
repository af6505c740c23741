import { useState, type FormEvent } from 'react';
import type { launchCodeRequestSchema, launchCodeResponseSchema, loginRequestSchema, loginResponseSchema, Me } from '../../../../shared/api/auth.ts';
import type { Wire } from '../../../../shared/api/common.ts';
import { BusySubmit, FormError } from '../../components/ui/form-parts.tsx';
import { api } from '../../lib/api-client.ts';
import { CredentialFields } from '../../components/credential-fields.tsx';
import { SecondFactor } from './account-setup.tsx';

type Mode = 'password' | 'code';

/** Sign in with a username and password, or (candidates) with the one-time launch code from the admission ticket. */
export function SignIn({ onSignedIn }: { onSignedIn: (me: Me, sessionId?: string) => void }) {
  const [mode, setMode] = useState<Mode>('password');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [needsCode, setNeedsCode] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    if (mode === 'password') {
      const r = await api<Wire<typeof loginResponseSchema>>('POST', '/api/auth/login', { username, password } satisfies Wire<typeof loginRequestSchema>);
      setBusy(false);
      if (r.ok && r.data.next === 'mfa') setNeedsCode(true);
      else if (r.ok) onSignedIn(r.data.user);
      else setError(r.error.message);
    } else {
      const r = await api<Wire<typeof launchCodeResponseSchema>>('POST', '/api/auth/launch-code', { code } satisfies Wire<typeof launchCodeRequestSchema>);
      setBusy(false);
      if (r.ok) onSignedIn(r.data.user, r.data.sessionId);
      else setError(r.error.message);
    }
  }

  if (needsCode) return <SecondFactor onSignedIn={(me) => onSignedIn(me)} />;
  return (
    <form className="card" onSubmit={submit} aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Sign in</h1>
      <fieldset className="sign-in-mode">
        <legend>Sign in with</legend>
        <label className="inline">
          <input type="radio" name="mode" checked={mode === 'password'} onChange={() => setMode('password')} /> My account
        </label>
        <label className="inline">
          <input type="radio" name="mode" checked={mode === 'code'} onChange={() => setMode('code')} /> The code on my admission ticket
        </label>
      </fieldset>
      {mode === 'password' ? (
        <CredentialFields username={username} password={password} onUsername={setUsername} onPassword={setPassword} />
      ) : (
        <label>
          Launch code
          <input autoComplete="one-time-code" placeholder="XXXXX-XXXXX" value={code} onChange={(e) => setCode(e.target.value)} required />
        </label>
      )}
      <FormError error={error} />
      <BusySubmit busy={busy} busyLabel="Signing in…">
        Sign in
      </BusySubmit>
    </form>
  );
}
