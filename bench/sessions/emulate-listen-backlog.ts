/**
 * Bench-only experiment, NOT product code: preloaded into the server process (node --import) by
 * `run.ts --emulate-backlog N` to measure what passing `backlog: N` to app.listen in server/src/main.ts would change.
 * Node's default listen backlog is 511; a synchronized start of thousands of candidates overflows it and the kernel
 * drops connections, which clients only retry after 1 s, 3 s, 7 s (SYN retransmits). Runs without the flag measure
 * the product as it is.
 */
import net from 'node:net';

const backlog = Number(process.env.BENCH_LISTEN_BACKLOG);
if (backlog > 0) {
  const listen = net.Server.prototype.listen;
  net.Server.prototype.listen = function (this: net.Server, ...args: unknown[]) {
    const first = args[0];
    if (first && typeof first === 'object' && !('fd' in first) && (first as net.ListenOptions).backlog === undefined) {
      args[0] = { ...(first as net.ListenOptions), backlog };
    }
    return (listen as (...a: unknown[]) => net.Server).apply(this, args);
  } as typeof net.Server.prototype.listen;
}
