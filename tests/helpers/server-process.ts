/** The real server as a child process on a loopback port, as production runs it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { HANDBOOK_VERSION } from '../../shared/handbook.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** A new process with the same environment on the same port (after `kill`: a restart). */
  restart(): Promise<ServerProcess>;
}

export async function startServer(env: Record<string, string>, port: number): Promise<ServerProcess> {
  const base = { ...process.env } as Record<string, string | undefined>;
  delete base.DATABASE_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    env: { ...base, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early (${child.exitCode}):\n${out}`);
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    child,
    output: () => out,
    restart: () => startServer(env, port),
    kill: (signal: NodeJS.Signals = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}

/** A tiny cookie-keeping HTTP client for driving a server process through its API. */
export async function apiLogin(url: string, username: string, password = 'demo-password-1') {
  const r = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (!r.ok) throw new Error(`login ${username}: ${r.status} ${await r.text()}`);
  const cookie = r.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, { method, headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
  return { cookie, call };
}

export type ApiClient = Awaited<ReturnType<typeof apiLogin>>;

/** The id of the account named `username`, looked up by an admin. */
export async function userIdOf(admin: ApiClient, username: string): Promise<string> {
  const users: { id: string; username: string }[] = await admin.call('GET', '/api/admin/users');
  const user = users.find((u) => u.username === username);
  if (!user) throw new Error(`no account ${username}`);
  return user.id;
}

/** A new candidate account at test center DEMO-01, made by `admin` and signed in at `url`. */
export async function newCandidateOverApi(admin: ApiClient, url: string, username: string): Promise<{ id: string; api: ApiClient }> {
  const password = 'candidate-pass-1';
  const { id } = await admin.call('POST', '/api/admin/users', { username, displayName: username, role: 'candidate', password, testCenterCodes: ['DEMO-01'] });
  return { id, api: await apiLogin(url, username, password) };
}

/**
 * An exam started through the API the way people start one: the proctor schedules the candidate's SAF session now at
 * the proctor's first test center and admits them; the candidate checks in, accepts the handbook and starts.
 */
export async function startExamOverApi(proctor: ApiClient, candidate: ApiClient, candidateId: string): Promise<{ sessionId: string; centerId: string }> {
  const [center] = await proctor.call('GET', '/api/test-centers');
  const { id } = await proctor.call('POST', '/api/sessions', { candidateId, module: 'SAF', testCenterId: center.id, scheduledAt: new Date().toISOString() });
  await candidate.call('POST', `/api/sessions/${id}/check-in`);
  await proctor.call('POST', `/api/sessions/${id}/admit`, { idConfirmed: true });
  await candidate.call('POST', `/api/sessions/${id}/handbook`, { version: HANDBOOK_VERSION });
  await candidate.call('POST', `/api/sessions/${id}/start`);
  return { sessionId: id, centerId: center.id };
}

/**
 * Two server processes, A and B, on two free loopback ports sharing one fresh PostgreSQL database (PGlite is
 * in-process, so PostgreSQL only). `stop` (for afterAll) kills every process started here, restarts included, even
 * when a start failed half-way, then drops the database.
 */
export function twoInstances() {
  let db: TestDatabase | undefined;
  const started: ServerProcess[] = [];
  const track = (s: ServerProcess) => (started.push(s), s);
  return {
    /** `together`: both bootstrap at the same instant (the advisory lock must serialize them), not one after the other. */
    async start({ together = false } = {}): Promise<{ a: ServerProcess; b: ServerProcess; databaseUrl: string }> {
      db = await createTestDatabase('postgres');
      const env = { DATABASE_URL: db.url! };
      const [portA, portB] = [await freePort(), await freePort()];
      if (together) {
        const [a, b] = await Promise.all([startServer(env, portA).then(track), startServer(env, portB).then(track)]);
        return { a, b, databaseUrl: db.url! };
      }
      const a = track(await startServer(env, portA));
      const b = track(await startServer(env, portB));
      return { a, b, databaseUrl: db.url! };
    },
    /** Starts a killed instance again on its port. */
    async restart(server: ServerProcess): Promise<ServerProcess> {
      return track(await server.restart());
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
      for (const s of started) await s.kill(signal);
      await db?.close();
    },
  };
}
