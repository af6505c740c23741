/**
 * A forced full garbage collection of the bench's server, through the V8 inspector: the server is started with
 * `--inspect=127.0.0.1:0` (bench only: a random loopback port, announced on its stderr), and the bench connects to it,
 * asks for HeapProfiler.collectGarbage and reads Runtime.getHeapUsage. No product code or endpoint is involved, so
 * memory per session can be measured after garbage is gone, without an unauthenticated trigger in production.
 */
import WebSocket from 'ws';

/** The node flag the server needs for forcedGc. */
export const INSPECT_FLAG = '--inspect=127.0.0.1:0';

/** The inspector's websocket URL from the server's output ("Debugger listening on ws://127.0.0.1:PORT/UUID"). */
export function inspectorUrl(output: string): string | null {
  return /Debugger listening on (ws:\/\/127\.0\.0\.1:\d+\/[\w-]+)/.exec(output)?.[1] ?? null;
}

export interface HeapAfterGc {
  /** V8 heap in use after the collection, KiB. */
  heapUsedKiB: number;
  heapTotalKiB: number;
  gcMs: number;
}

/** Two full collections (the second frees what finalizers of the first released), then the heap figures. Bounded by `timeoutMs`. */
export async function forcedGc(url: string, timeoutMs = 60_000): Promise<HeapAfterGc> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  const timer = setTimeout(() => ws.terminate(), timeoutMs);
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('close', () => reject(new Error('inspector closed')));
    });
    let id = 0;
    const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as { id?: number; result?: unknown; error?: { message: string } };
      const w = m.id !== undefined ? waiting.get(m.id) : undefined;
      if (!w) return;
      waiting.delete(m.id!);
      if (m.error) w.reject(new Error(m.error.message));
      else w.resolve(m.result);
    });
    ws.on('close', () => {
      for (const w of waiting.values()) w.reject(new Error('inspector closed'));
    });
    const call = <T>(method: string) =>
      new Promise<T>((resolve, reject) => {
        waiting.set(++id, { resolve: resolve as (v: unknown) => void, reject });
        ws.send(JSON.stringify({ id, method }));
      });
    const t = performance.now();
    await call('HeapProfiler.collectGarbage');
    await call('HeapProfiler.collectGarbage');
    const gcMs = performance.now() - t;
    const heap = await call<{ usedSize: number; totalSize: number }>('Runtime.getHeapUsage');
    return { heapUsedKiB: Math.round(heap.usedSize / 1024), heapTotalKiB: Math.round(heap.totalSize / 1024), gcMs: Math.round(gcMs) };
  } finally {
    clearTimeout(timer);
    ws.close();
  }
}
