/**
 * The listening socket watched through several descriptors (#18, docs/decisions/0014-accept-fanout.md): real sockets,
 * a real helper process, and an event loop kept busy the way a start storm keeps it.
 */
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fanOutAccept, type AcceptFanout } from '../../server/src/platform/accept-fanout.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function listening(handler: http.RequestListener, backlog = 4096): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog }, resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return { server, port: (server.address() as net.AddressInfo).port };
}

async function fanned(server: http.Server, listeners: number, backlog = 4096): Promise<AcceptFanout> {
  const f = await fanOutAccept(server, { listeners, backlog });
  cleanups.unshift(() => f.close());
  return f;
}

/** GET / on a new connection (no keep-alive); resolves the body. */
const getBody = (port: number) =>
  new Promise<string>((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });

/**
 * Opens `n` connections at once, then keeps the loop busy for `turns` turns of 5 ms each (a start storm's turns) and
 * returns how many connections the server had accepted by then.
 */
async function acceptedDuringBusyTurns(server: net.Server, port: number, n: number, turns: number): Promise<number> {
  let accepted = 0;
  const count = () => accepted++;
  server.on('connection', count);
  const clients: net.Socket[] = [];
  for (let i = 0; i < n; i++) clients.push(net.connect(port, '127.0.0.1').on('error', () => {}));
  // Let the handshakes complete (the kernel queues them; nothing is accepted while the loop is not polling).
  const until = Date.now() + 200;
  while (Date.now() < until);
  await new Promise<void>((resolve) => {
    let turn = 0;
    const spin = () => {
      const t = performance.now();
      while (performance.now() - t < 5);
      if (++turn < turns) setImmediate(spin);
      else resolve();
    };
    setImmediate(spin);
  });
  server.off('connection', count);
  for (const c of clients) c.destroy();
  return accepted;
}

describe('accept fan-out', () => {
  it('accepts many connections per busy event-loop turn, where one listener accepts one', async () => {
    const one = await listening((_req, res) => res.end());
    const alone = await acceptedDuringBusyTurns(one.server, one.port, 300, 40);
    // libuv ≥ 1.45: one accept per turn and listener (a turn or two more while the helper ran is tolerated).
    expect(alone).toBeLessThanOrEqual(45);

    const many = await listening((_req, res) => res.end());
    const f = await fanned(many.server, 8);
    expect(f.copies).toBe(7);
    const fanout = await acceptedDuringBusyTurns(many.server, many.port, 300, 40);
    expect(fanout).toBeGreaterThanOrEqual(250);
  });

  it('serves requests and upgrades on the connections the copies accept, with the peer address', async () => {
    const { server, port } = await listening((req, res) => res.end(`from ${req.socket.remoteAddress}`));
    server.on('upgrade', (_req, socket: net.Socket) => socket.end('HTTP/1.1 101 Switching Protocols\r\nUpgrade: test\r\nConnection: Upgrade\r\n\r\n'));
    await fanned(server, 4);
    const bodies = await Promise.all(Array.from({ length: 40 }, () => getBody(port)));
    expect(new Set(bodies)).toEqual(new Set(['from 127.0.0.1']));
    const upgraded = await new Promise<number>((resolve, reject) => {
      http.request({ host: '127.0.0.1', port, headers: { connection: 'Upgrade', upgrade: 'test' }, agent: false }).on('upgrade', (res, socket) => {
        socket.destroy();
        resolve(res.statusCode ?? 0);
      }).on('error', reject).end();
    });
    expect(upgraded).toBe(101);
  });

  it('hands out sockets set up as the HTTP server sets up its own (half-open allowed, as http.Server asks)', async () => {
    const { server, port } = await listening((req, res) => res.end(String(req.socket.allowHalfOpen)));
    const direct = await getBody(port);
    expect(direct).toBe('true');
    await fanned(server, 16);
    // Sixteen descriptors: nearly all of these connections arrive through copies.
    const relayed = await Promise.all(Array.from({ length: 30 }, () => getBody(port)));
    expect(new Set(relayed)).toEqual(new Set(['true']));
  });

  it("keeps the configured backlog (each copy's listen() would set Node's default 511)", async () => {
    const { server, port } = await listening((_req, res) => res.end(), 1000);
    await fanned(server, 4, 1000);
    const line = execFileSync('ss', ['-ltnH', `sport = :${port}`], { encoding: 'utf8' }).trim();
    // ss prints State Recv-Q Send-Q …; for a listening socket Send-Q is the backlog (capped by net.core.somaxconn).
    const backlog = Number(line.split(/\s+/)[2]);
    expect(backlog).toBe(Math.min(1000, Number(execFileSync('cat', ['/proc/sys/net/core/somaxconn'], { encoding: 'utf8' }))));
  });

  it('close() of the server still waits for a request in flight on a connection a copy accepted', async () => {
    const handlers: Array<() => void> = [];
    const { server, port } = await listening((_req, res) => handlers.push(() => res.end('done')));
    const f = await fanned(server, 16);
    // Many connections, so that (with 16 descriptors) nearly all of them arrive through copies.
    const responses = Array.from({ length: 20 }, () =>
      getBody(port),
    );
    await expect.poll(() => handlers.length, { timeout: 10_000 }).toBe(20);
    let closed = false;
    f.close();
    server.close(() => (closed = true));
    await new Promise((r) => setTimeout(r, 200));
    expect(closed).toBe(false);
    for (const h of handlers) h();
    expect(await Promise.all(responses)).toEqual(Array(20).fill('done'));
    await expect.poll(() => closed, { timeout: 10_000 }).toBe(true);
  });

  it('loses no connection that arrives while the copies are being made (the helper returns what it accepted)', async () => {
    const { server, port } = await listening((_req, res) => res.end('ok'));
    const get = () =>
      new Promise<string>((resolve, reject) => {
        const req = http.get({ host: '127.0.0.1', port, agent: false, timeout: 10_000 }, (res) => {
          let b = '';
          res.on('data', (d) => (b += d)).on('end', () => resolve(b));
        });
        req.on('timeout', () => req.destroy(new Error('no answer within 10 s: the connection was lost')));
        req.on('error', reject);
      });
    // Connections keep arriving, every few milliseconds, from before the fan-out starts until after it ends.
    const answers: Promise<string>[] = [];
    let making = true;
    const arrivals = (async () => {
      while (making || answers.length < 50) {
        answers.push(get());
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    await fanned(server, 16);
    making = false;
    await arrivals;
    expect(new Set(await Promise.all(answers))).toEqual(new Set(['ok']));
  });

  it('does nothing with one listener', async () => {
    const { server } = await listening((_req, res) => res.end());
    expect((await fanned(server, 1)).copies).toBe(0);
  });
});
