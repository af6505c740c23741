#!/usr/bin/env node
// Deploy smoke test: run against the public address after `docker compose up -d` or a rolling deploy.
//   node deploy/smoke.mjs https://localhost [--insecure]      (--insecure: accept a local-CA certificate)
// Checks readiness through the proxy, the cached/compressed client shell and assets, that /metrics is not public, the
// API's JSON errors with a request id, and a websocket upgrade through the proxy to an instance. Exit 1 on failure.
import WebSocket from 'ws';

const base = (process.argv[2] ?? 'https://localhost').replace(/\/$/, '');
const insecure = process.argv.includes('--insecure');
if (insecure) process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
const failures = [];
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
};

async function get(path, headers = {}) {
  const r = await fetch(`${base}${path}`, { headers, redirect: 'manual' });
  return { status: r.status, headers: r.headers, body: await r.text() };
}

try {
  const ready = await get('/readyz');
  check(ready.status === 200 && ready.body.includes('"ready"'), `GET /readyz is 200 ready (got ${ready.status} ${ready.body})`);
  const shell = await get('/', { 'accept-encoding': 'br, gzip' });
  check(shell.status === 200 && shell.headers.get('cache-control') === 'no-cache', `GET / is the app shell with no-cache (got ${shell.status}, ${shell.headers.get('cache-control')})`);
  const asset = /\/assets\/[^"]+\.js/.exec(shell.body)?.[0];
  check(Boolean(asset), 'the shell names a hashed script');
  if (asset) {
    const a = await get(asset, { 'accept-encoding': 'br, gzip' });
    check(a.status === 200 && /immutable/.test(a.headers.get('cache-control') ?? ''), `${asset} is immutable (got ${a.headers.get('cache-control')})`);
  }
  const metrics = await get('/metrics');
  check(metrics.status === 404, `/metrics is not public (got ${metrics.status})`);
  const api = await get('/api/no-such-route', { 'x-request-id': 'smoke-1' });
  check(api.status === 404 && api.headers.get('x-request-id') !== null, `an unknown API path is a JSON 404 with an x-request-id (got ${api.status})`);
  const me = await get('/api/auth/me');
  check(me.status === 401, `signed-out /api/auth/me is 401 (got ${me.status})`);

  // A websocket through the proxy: an unauthenticated hello is answered by an instance, then closed.
  const frames = await new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/ws/session`, { rejectUnauthorized: !insecure });
    const got = [];
    const timer = setTimeout(() => reject(new Error('no websocket answer in 10 s')), 10_000);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', protocol: 0, sessionId: '00000000-0000-4000-8000-000000000000' })));
    ws.on('message', (d) => got.push(JSON.parse(String(d))));
    ws.on('close', (code) => {
      clearTimeout(timer);
      resolve({ got, code });
    });
    ws.on('error', reject);
  });
  check(frames.got.some((m) => m.type === 'error'), `a websocket through the proxy reaches an instance (closed ${frames.code} after ${frames.got.map((m) => m.code ?? m.type).join(', ')})`);
} catch (e) {
  check(false, `smoke test could not finish: ${e.message}`);
}

console.log(failures.length ? `\n${failures.length} check(s) failed` : '\nsmoke test passed');
process.exit(failures.length ? 1 : 0);
