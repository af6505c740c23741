/** The single table of client routes: every link and redirect builds its path here. */
export const paths = {
  home: '/',
  exams: '/exams',
  exam: (sessionId: string) => `/exams/${encodeURIComponent(sessionId)}`,
  report: (sessionId: string) => `/exams/${encodeURIComponent(sessionId)}/report`,
  proctor: '/proctor',
  author: '/author',
  measurement: '/author/measurement',
  results: '/results',
  verify: (code?: string) => (code ? `/verify/${encodeURIComponent(code)}` : '/verify'),
  verifyReport: (sessionId: string) => `/verify/report/${encodeURIComponent(sessionId)}`,
  adminCredentials: '/admin/credentials',
  practice: '/practice',
  practiceTest: (id: string) => `/practice/${encodeURIComponent(id)}`,
} as const;

export type Route =
  | { name: 'home' }
  | { name: 'exams' }
  | { name: 'exam'; sessionId: string }
  | { name: 'report'; sessionId: string }
  | { name: 'proctor' }
  | { name: 'author' }
  | { name: 'measurement' }
  | { name: 'results' }
  | { name: 'verify'; code: string | null }
  | { name: 'verify-report'; sessionId: string }
  | { name: 'admin-credentials' }
  | { name: 'practice' }
  | { name: 'practice-test'; id: string }
  | { name: 'not-found'; path: string };

export function matchRoute(pathname: string): Route {
  const p = pathname.replace(/\/+$/, '') || '/';
  if (p === '/') return { name: 'home' };
  if (p === paths.exams) return { name: 'exams' };
  if (p === paths.proctor) return { name: 'proctor' };
  if (p === paths.author) return { name: 'author' };
  if (p === paths.measurement) return { name: 'measurement' };
  if (p === paths.results) return { name: 'results' };
  if (p === '/verify') return { name: 'verify', code: null };
  if (p === paths.adminCredentials) return { name: 'admin-credentials' };
  if (p === paths.practice) return { name: 'practice' };
  const practiceTest = /^\/practice\/([^/]+)$/.exec(p);
  if (practiceTest) return { name: 'practice-test', id: decodeURIComponent(practiceTest[1]!) };
  const verifyReport = /^\/verify\/report\/([^/]+)$/.exec(p);
  if (verifyReport) return { name: 'verify-report', sessionId: decodeURIComponent(verifyReport[1]!) };
  const verify = /^\/verify\/([^/]+)$/.exec(p);
  if (verify) return { name: 'verify', code: decodeURIComponent(verify[1]!) };
  const report = /^\/exams\/([^/]+)\/report$/.exec(p);
  if (report) return { name: 'report', sessionId: decodeURIComponent(report[1]!) };
  const exam = /^\/exams\/([^/]+)$/.exec(p);
  if (exam) return { name: 'exam', sessionId: decodeURIComponent(exam[1]!) };
  return { name: 'not-found', path: p };
}
