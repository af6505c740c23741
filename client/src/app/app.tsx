/**
 * The app shell: who is signed in, the header (theme, sign out), and the routes. Candidate screens are in the main
 * bundle; the proctor and author areas load on demand (React.lazy), so the exam route ships none of their code.
 */
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import type { Me } from '../../../shared/api/auth.ts';
import { matchRoute, paths, type Route } from '../config/paths.ts';
import { SignIn } from '../features/auth/sign-in.tsx';
import { AccountSetup } from '../features/auth/account-setup.tsx';
import { MyResults } from '../features/credentials/my-results.tsx';
import { VerifyCredential, VerifyReport } from '../features/credentials/verify-credential.tsx';
import { MyExams } from '../features/exam-session/my-exams.tsx';
import { TakeExam } from '../features/exam-session/take-exam.tsx';
import { PracticeHome, PracticeTest } from '../features/exam-session/practice.tsx';
import { ScoreReportPage } from '../features/reports/score-report.tsx';
import { api } from '../lib/api-client.ts';
import { useTheme } from '../lib/preferences.ts';
import { linkClick, navigate, usePathname } from '../lib/router.ts';

const ProctorConsole = lazy(() => import('../features/proctoring/proctor-console.tsx'));
const AuthorWorkspace = lazy(() => import('../features/authoring/author-workspace.tsx'));
const CredentialsAdmin = lazy(() => import('../features/credentials/credentials-admin.tsx'));
const MeasurementPage = lazy(() => import('../features/measurement/measurement-page.tsx'));

const HOME: Record<Me['role'], string> = { candidate: paths.exams, proctor: paths.proctor, admin: paths.proctor, author: paths.author };

const TITLES: Record<Route['name'], string> = {
  home: 'Sign in',
  exams: 'My exams',
  exam: 'Exam',
  report: 'Score report',
  proctor: 'Proctor console',
  author: 'Author workspace',
  measurement: 'Measurement',
  results: 'My results',
  verify: 'Verify a credential',
  'verify-report': 'Verify a score report',
  'admin-credentials': 'Results, credentials and employers',
  practice: 'Practice tests',
  'practice-test': 'Practice test',
  'not-found': 'Page not found',
};

export function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const pathname = usePathname();
  const route = matchRoute(pathname);
  const [theme, setTheme] = useTheme();

  useEffect(() => {
    void api<Me>('GET', '/api/auth/me').then((r) => setMe(r.ok ? r.data : null));
  }, []);

  useEffect(() => {
    document.title = `${me || route.name === 'verify' || route.name === 'verify-report' ? TITLES[route.name] : 'Sign in'} · cpt-exam`;
  }, [route.name, me]);

  // Signed in at "/": go to the role's home.
  useEffect(() => {
    if (me && route.name === 'home') navigate(HOME[me.role], { replace: true });
  }, [me, route.name]);

  async function signOut() {
    await api('POST', '/api/auth/logout');
    setMe(null);
    navigate(paths.home, { replace: true });
  }

  const toExams = useCallback(() => navigate(paths.exams), []);
  const inExam = route.name === 'exam';

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="top no-print">
        <a className="brand" href={paths.home} onClick={linkClick(paths.home)}>
          cpt-exam
        </a>
        <div className="top-actions">
          <button type="button" className="ghost" aria-pressed={theme === 'high-contrast'} onClick={() => setTheme(theme === 'high-contrast' ? 'standard' : 'high-contrast')}>
            High contrast
          </button>
          {me?.role === 'candidate' && !inExam && (
            <nav aria-label="Candidate">
              <a href={paths.exams} onClick={linkClick(paths.exams)}>
                My exams
              </a>{' '}
              <a href={paths.results} onClick={linkClick(paths.results)}>
                My results
              </a>{' '}
              <a href={paths.practice} onClick={linkClick(paths.practice)}>
                Practice
              </a>
            </nav>
          )}
          {me?.role === 'admin' && !inExam && (
            <nav aria-label="Admin">
              <a href={paths.proctor} onClick={linkClick(paths.proctor)}>
                Proctor console
              </a>{' '}
              <a href={paths.adminCredentials} onClick={linkClick(paths.adminCredentials)}>
                Results and credentials
              </a>{' '}
              <a href={paths.measurement} onClick={linkClick(paths.measurement)}>
                Measurement
              </a>
            </nav>
          )}
          {me?.role === 'author' && (
            <nav aria-label="Author">
              <a href={paths.author} onClick={linkClick(paths.author)}>
                Author workspace
              </a>{' '}
              <a href={paths.measurement} onClick={linkClick(paths.measurement)}>
                Measurement
              </a>
            </nav>
          )}
          {me && (
            <>
              <span className="who">
                {me.displayName} <span className="muted-inverse">({me.role})</span>
              </span>
              {!inExam && (
                <button type="button" className="ghost" onClick={signOut}>
                  Sign out
                </button>
              )}
            </>
          )}
        </div>
      </header>
      <main id="main" className={inExam ? 'main exam-main' : 'main'}>
        {route.name === 'verify' ? (
          <VerifyCredential initialCode={route.code} onLookup={(code) => navigate(paths.verify(code))} />
        ) : route.name === 'verify-report' ? (
          <VerifyReport sessionId={route.sessionId} />
        ) : me === undefined ? null : me === null ? (
          <>
            <SignIn
              onSignedIn={(user, sessionId) => {
                setMe(user);
                if (sessionId) navigate(paths.exam(sessionId), { replace: true });
              }}
            />
            <SampleNotice />
          </>
        ) : me.pending ? (
          <AccountSetup me={me} onDone={setMe} />
        ) : (
          <Suspense
            fallback={
              <p role="status" className="loading">
                Loading…
              </p>
            }
          >
            <RouteView route={route} me={me} toExams={toExams} />
          </Suspense>
        )}
      </main>
    </>
  );
}

function SampleNotice() {
  return (
    <p className="notice">
      The sample questions in this product are original practice content written for cpt-exam. They are not MSSC's assessment items.
    </p>
  );
}

function RouteView({ route, me, toExams }: { route: Route; me: Me; toExams: () => void }) {
  switch (route.name) {
    case 'home':
    case 'verify':
    case 'verify-report':
      return null;
    case 'admin-credentials':
      return me.role === 'admin' ? <CredentialsAdmin /> : <Forbidden role={me.role} />;
    case 'results':
      return me.role === 'candidate' ? <MyResults reportHref={paths.report} verifyHref={paths.verify} /> : <Forbidden role={me.role} />;
    case 'exams':
      return me.role === 'candidate' ? (
        <>
          <MyExams examHref={paths.exam} reportHref={paths.report} />
          <SampleNotice />
        </>
      ) : (
        <Forbidden role={me.role} />
      );
    case 'exam':
      return me.role === 'candidate' ? <TakeExam key={route.sessionId} sessionId={route.sessionId} onShowReport={() => navigate(paths.report(route.sessionId), { replace: true })} onBack={toExams} /> : <Forbidden role={me.role} />;
    case 'report':
      return me.role === 'candidate' ? <ScoreReportPage key={route.sessionId} sessionId={route.sessionId} onBack={toExams} /> : <Forbidden role={me.role} />;
    case 'practice':
      return me.role === 'candidate' ? <PracticeHome practiceHref={paths.practiceTest} onStarted={(id) => navigate(paths.practiceTest(id))} /> : <Forbidden role={me.role} />;
    case 'practice-test':
      return me.role === 'candidate' ? <PracticeTest key={route.id} id={route.id} onBack={() => navigate(paths.practice)} /> : <Forbidden role={me.role} />;
    case 'proctor':
      return me.role === 'proctor' || me.role === 'admin' ? <ProctorConsole /> : <Forbidden role={me.role} />;
    case 'author':
      return me.role === 'author' || me.role === 'admin' ? <AuthorWorkspace /> : <Forbidden role={me.role} />;
    case 'measurement':
      return me.role === 'author' || me.role === 'admin' ? <MeasurementPage /> : <Forbidden role={me.role} />;
    case 'not-found':
      return (
        <section className="card" aria-labelledby="nf-title">
          <h1 id="nf-title">Page not found</h1>
          <p>
            There is nothing at {route.path}.{' '}
            <a href={paths.home} onClick={linkClick(paths.home)}>
              Go to your home page
            </a>
            .
          </p>
        </section>
      );
  }
}

function Forbidden({ role }: { role: Me['role'] }) {
  return (
    <section className="card" aria-labelledby="forbidden-title">
      <h1 id="forbidden-title">Not available for your role</h1>
      <p>
        This page is not part of the {role} area.{' '}
        <a href={paths.home} onClick={linkClick(paths.home)}>
          Go to your home page
        </a>
        .
      </p>
    </section>
  );
}
