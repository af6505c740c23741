import { useEffect, useState } from 'react';
import type { Me } from '../../../shared/api/auth.ts';
import { SignIn } from '../features/auth/sign-in.tsx';
import { api } from '../lib/api-client.ts';

const ROLE_HOME: Record<Me['role'], string> = {
  candidate: 'Your scheduled exams appear here.',
  proctor: 'The live console for your test center appears here.',
  author: 'The item-bank workspace appears here.',
  admin: 'Test-center administration appears here.',
};

export function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  useEffect(() => {
    void api<Me>('GET', '/api/auth/me').then((r) => setMe(r.ok ? r.data : null));
  }, []);

  async function signOut() {
    await api('POST', '/api/auth/logout');
    setMe(null);
  }

  return (
    <>
      <header className="top">
        <span className="brand">cpt-exam</span>
        {me && (
          <span>
            {me.displayName} ({me.role}) <button onClick={signOut}>Sign out</button>
          </span>
        )}
      </header>
      <main>
        {me === undefined ? null : me === null ? (
          <SignIn onSignedIn={setMe} />
        ) : (
          <section className="card">
            <h1>Welcome, {me.displayName}</h1>
            <p>{ROLE_HOME[me.role]}</p>
          </section>
        )}
        <p className="notice">
          The sample questions in this product are original practice content written for cpt-exam. They are not MSSC's
          assessment items.
        </p>
      </main>
    </>
  );
}
