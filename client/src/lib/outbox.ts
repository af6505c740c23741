/**
 * The candidate's outbox: every change (answer or clear, flag, visit, testing-center signal) is written here first,
 * persisted in the browser under the session id, and removed only when the server acknowledges its sequence number.
 * The last sequence number is persisted too, so numbering continues after a reload. Pure TypeScript: the storage is
 * passed in (localStorage in the browser, a Map in tests).
 */
import type { ClientMessage, SIGNAL_KINDS } from '../../../shared/protocol/session-protocol.ts';

export type SignalKind = (typeof SIGNAL_KINDS)[number];

/** A change waiting for the server's ack is the very message that carries it (shared/protocol): sent as it is stored. */
export type OutboxEntry = Extract<ClientMessage, { type: 'answer' | 'flag' | 'visit' | 'signal' }>;

/** What the screen records: the message before it has its sequence number. */
export type Change = OutboxEntry extends infer E ? (E extends OutboxEntry ? Omit<E, 'seq'> : never) : never;

/** The subset of the Web Storage API the outbox needs. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

interface Persisted {
  v: 1;
  lastSeq: number;
  entries: OutboxEntry[];
}

export const outboxKey = (sessionId: string) => `cpt-exam:outbox:${sessionId}`;

/** A store that keeps nothing across reloads (used when the browser refuses storage). */
export function memoryStore(): KeyValueStore {
  const m = new Map<string, string>();
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v), removeItem: (k) => void m.delete(k) };
}

/** The server keeps sequence numbers in 32-bit columns; never go past them. */
const MAX_SEQ = 2_147_483_647;

export class Outbox {
  private list: OutboxEntry[] = [];
  private last = 0;
  /** False when the browser refused to store the outbox (quota, private mode): changes then live in memory only. */
  persistent = true;

  constructor(
    readonly sessionId: string,
    private readonly store: KeyValueStore,
  ) {
    const raw = safe(() => store.getItem(outboxKey(sessionId)), null);
    if (raw) {
      try {
        const p = JSON.parse(raw) as Persisted;
        if (p && p.v === 1 && Array.isArray(p.entries) && Number.isSafeInteger(p.lastSeq)) {
          this.list = p.entries.filter((e) => Number.isSafeInteger(e.seq) && e.seq > 0).sort((a, b) => a.seq - b.seq);
          this.last = Math.max(p.lastSeq, ...this.list.map((e) => e.seq), 0);
        }
      } catch {
        // A damaged record is ignored rather than blocking the exam; the server still holds every acknowledged change.
      }
    }
  }

  get lastSeq(): number {
    return this.last;
  }

  /** Entries waiting for an acknowledgement, in sequence order. */
  get entries(): readonly OutboxEntry[] {
    return this.list;
  }

  get size(): number {
    return this.list.length;
  }

  /** Answers and flags not yet saved on the server (what the candidate calls "answers waiting to save"). */
  get pendingAnswers(): number {
    return this.list.filter((e) => e.type === 'answer' || e.type === 'flag').length;
  }

  /**
   * Takes the next sequence number. `floor` lets a caller keep numbers above ones used elsewhere (another workstation
   * the candidate used for this session): the number is never below it.
   */
  nextSeq(floor = 0): number {
    this.last = Math.min(MAX_SEQ, Math.max(this.last + 1, Math.floor(floor)));
    this.persist();
    return this.last;
  }

  /**
   * Records a change with the next sequence number. A newer answer (or flag) to the same question replaces an
   * older unacknowledged one, and a newer visit replaces an older visit: the server would ignore the older one anyway
   * because its sequence is lower. Signals are never merged.
   */
  add(change: Change, floor = 0): OutboxEntry {
    const entry = { ...change, seq: this.nextSeq(floor) } as OutboxEntry;
    this.list = this.list.filter((e) => !supersedes(change, e));
    this.list.push(entry);
    this.persist();
    return entry;
  }

  /** The server committed this sequence: forget the entry. Returns whether it was still waiting. */
  ack(seq: number): boolean {
    const before = this.list.length;
    this.list = this.list.filter((e) => e.seq !== seq);
    if (this.list.length === before) return false;
    this.persist();
    return true;
  }

  /** The server refused this change for good (the exam ended, or it named something not on the form). */
  drop(seq: number): OutboxEntry | undefined {
    const entry = this.list.find((e) => e.seq === seq);
    if (entry) this.ack(seq);
    return entry;
  }

  /** Forgets every waiting entry (but not the sequence number). */
  clear(): OutboxEntry[] {
    const dropped = this.list;
    this.list = [];
    this.persist();
    return dropped;
  }

  /** Removes the whole record (after the exam ended and nothing is waiting). */
  discard(): void {
    this.list = [];
    safe(() => this.store.removeItem(outboxKey(this.sessionId)), undefined);
  }

  private persist() {
    const p: Persisted = { v: 1, lastSeq: this.last, entries: this.list };
    this.persistent = safe(() => (this.store.setItem(outboxKey(this.sessionId), JSON.stringify(p)), true), false);
  }
}

function supersedes(next: Change, old: OutboxEntry): boolean {
  if (next.type === 'signal' || old.type !== next.type) return false;
  if (next.type === 'visit') return true;
  return 'itemId' in old && old.itemId === next.itemId;
}

export interface ResponseView {
  answers: Record<string, string>;
  flags: Record<string, true>;
  position: string | null;
}

/**
 * Merges the server's view (a snapshot) with the changes still waiting in the outbox. The outbox wins for every item
 * it holds a change for, because those changes are newer than anything the server has committed.
 */
export function mergeWithOutbox(server: ResponseView, pending: readonly OutboxEntry[]): ResponseView {
  const answers = { ...server.answers };
  const flags = { ...server.flags };
  let position = server.position;
  for (const e of [...pending].sort((a, b) => a.seq - b.seq)) {
    if (e.type === 'answer') {
      if (e.optionId === null) delete answers[e.itemId];
      else answers[e.itemId] = e.optionId;
    } else if (e.type === 'flag') {
      if (e.flagged) flags[e.itemId] = true;
      else delete flags[e.itemId];
    } else if (e.type === 'visit') position = e.itemId;
  }
  return { answers, flags, position };
}

function safe<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}
