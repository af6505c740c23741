/**
 * Server heap per live exam session, at smoke size, in one process on PGlite (no other load): builds the real app,
 * starts N sessions over the API, then a child process opens N exam sockets and says hello on each (so the clients'
 * own objects are not in this heap). Prints the server's heap and RSS after a full GC, before and after the sockets,
 * divided by N. For before/after comparisons of a change (run it on both checkouts); the real figure at 5,000 sessions
 * is bench/sessions/run.ts's VmRSS.
 *
 *   node --expose-gc --import tsx bench/sessions/memory-per-session.ts [--sessions 100]
 */
import { fork } from 'node:child_process';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { buildTestApp } from '../../tests/helpers/build-app.ts';
import { importSampleModule, startedSession } from '../../tests/helpers/session-fixture.ts';

const { values: args } = parseArgs({ options: { sessions: { type: 'string', default: '100' }, clients: { type: 'string' } } });

if (args.clients) {
  // Child: opens one socket per (cookie, session), says hello, waits for each snapshot, then holds the sockets.
  const { base, sessions } = JSON.parse(args.clients) as { base: string; sessions: { cookie: string; id: string }[] };
  const held: WebSocket[] = [];
  for (const s of sessions) {
    const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/ws/session`, { headers: { cookie: s.cookie } });
    await new Promise<void>((resolve, reject) => {
      ws.once('error', reject);
      ws.once('open', () => ws.send(JSON.stringify({ type: 'hello', protocol: 1, sessionId: s.id })));
      ws.on('message', (d) => {
        const m = JSON.parse(String(d)) as { type: string; message?: string };
        if (m.type === 'snapshot') resolve();
        else if (m.type === 'error') reject(new Error(`hello refused: ${m.message}`));
      });
    });
    held.push(ws);
  }
  process.send!('ready');
  process.on('message', () => process.exit(0));
} else {
  const n = Number(args.sessions);
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  const measure = async () => {
    for (let i = 0; i < 3; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 200));
    }
    const m = process.memoryUsage();
    return { heap: m.heapUsed, rss: m.rss, external: m.external + m.arrayBuffers };
  };
  const t = await buildTestApp('pglite', { sweeps: false });
  await importSampleModule(t.services);
  const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  const sessions: { cookie: string; id: string }[] = [];
  for (let i = 0; i < n; i++) {
    const s = await startedSession(t.app);
    sessions.push({ cookie: s.candidate.cookie, id: s.sessionId });
    if ((i + 1) % 10 === 0) console.error(`${i + 1} sessions started`);
  }
  console.error('sessions ready; opening sockets');
  const before = await measure();
  const child = fork(new URL(import.meta.url).pathname, ['--clients', JSON.stringify({ base, sessions })], { execArgv: ['--import', 'tsx'] });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`clients exited with ${code}`)));
  });
  const after = await measure();
  const kib = (b: number) => (b / 1024 / n).toFixed(1);
  console.log(`${n} live sessions: server heap +${kib(after.heap - before.heap)} KiB/session, RSS +${kib(after.rss - before.rss)} KiB/session, external +${kib(after.external - before.external)} KiB/session`);
  child.send('stop');
  await t.close();
  process.exit(0);
}
