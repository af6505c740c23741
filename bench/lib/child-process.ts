/**
 * Load generators as child processes (fork + IPC with structured clone, so sample arrays cross as one buffer): each
 * answers one message per request, in order. A generator that reports `fatal` or exits makes its pending request throw.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { log } from './server-process.ts';

export class Child<In, Out extends { type: string }> {
  private waiting: ((m: Out) => void)[] = [];
  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    child.on('message', (m: Out) => {
      if (m.type === 'fatal') log(`${name} failed: ${(m as unknown as { message: string }).message}`);
      this.waiting.shift()?.(m);
    });
    child.on('exit', (code) => {
      for (const w of this.waiting.splice(0)) w({ type: 'fatal', message: `${name} exited (${code})` } as unknown as Out);
    });
  }
  async request<T extends Out>(m: In): Promise<T> {
    const r = await new Promise<Out>((resolve) => {
      this.waiting.push(resolve);
      this.child.send(m as object);
    });
    if (r.type === 'fatal') throw new Error(`${this.name}: ${(r as unknown as { message: string }).message}`);
    return r as T;
  }
}

/** Forks `file` (an absolute path to a .ts module) under tsx. */
export function spawnChild<In, Out extends { type: string }>(file: string): Child<In, Out> {
  const child = fork(file, [], { execArgv: ['--import', 'tsx'], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Child<In, Out>(path.basename(file), child);
}

/**
 * The child's side: answers each request from the parent with `handle`'s reply, in order of arrival; a `close`
 * request closes the child's sockets (`close` says how many closed cleanly), replies `closed` and exits. A failure
 * replies `fatal` with the stack and exits, so the parent's request throws instead of hanging.
 */
export function serveParent<In extends { type: string }, Out>(handle: (m: Exclude<In, { type: 'close' }>) => Promise<Out>, close: () => Promise<number>) {
  const send = (m: unknown) => process.send!(m);
  process.on('message', (raw: unknown) => {
    const m = raw as In;
    void (async () => {
      if (m.type === 'close') {
        send({ type: 'closed', closedCleanly: await close() });
        setTimeout(() => process.exit(0), 100);
        return;
      }
      send(await handle(m as Exclude<In, { type: 'close' }>));
    })().catch((e) => {
      send({ type: 'fatal', message: String((e as Error)?.stack ?? e) });
      setTimeout(() => process.exit(1), 100);
    });
  });
  process.on('disconnect', () => process.exit(0));
}
