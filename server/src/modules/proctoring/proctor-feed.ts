/**
 * The proctor console's push feed on one instance. Session changes from any instance arrive over the event bus
 * (LISTEN/NOTIFY); they are coalesced per test center and pushed every FLUSH_MS as fresh rows, so a burst of answers
 * costs one query per center, not one per answer.
 */
import type { Actor } from '../../platform/actor.ts';
import { AppError } from '../../platform/errors.ts';
import type { BusEvent, EventBus } from '../../platform/event-bus.ts';
import { SOCKET_OPEN, type MinimalSocket } from '../../platform/ws/socket.ts';
import { proctorClientMessageSchema, type ProctorServerMessage } from '../../../../shared/api/proctoring.ts';
import type { ProctoringService } from './proctoring.service.ts';

export const FLUSH_MS = 250;
/** A full refresh now and then keeps time-based flags (idle, stale heartbeat) current without any event. */
export const FULL_REFRESH_MS = 15_000;

interface Subscriber {
  socket: MinimalSocket;
  actor: Actor;
  centerId: string | null;
  date: string | undefined;
}

export function createProctorFeed(deps: { proctoring: ProctoringService; bus: EventBus; log?: (m: string, e?: unknown) => void }) {
  const subscribers = new Set<Subscriber>();
  const dirty = new Map<string, Set<string>>();
  const log = deps.log ?? (() => {});
  const send = (s: Subscriber, m: ProctorServerMessage) => {
    if (s.socket.readyState === SOCKET_OPEN) s.socket.send(JSON.stringify(m));
  };
  const watched = () => new Set([...subscribers].map((s) => s.centerId).filter((c): c is string => !!c));

  function markDirty(center: unknown, ids: unknown[]) {
    if (typeof center !== 'string' || !watched().has(center)) return;
    if (!dirty.has(center)) dirty.set(center, new Set());
    for (const id of ids) if (typeof id === 'string') dirty.get(center)!.add(id);
  }

  async function flush() {
    const batch = [...dirty.entries()];
    dirty.clear();
    for (const [center, ids] of batch) {
      const rows = await deps.proctoring.rows(center, [...ids]);
      const msg: ProctorServerMessage = { type: 'rows', rows, serverTime: new Date().toISOString(), sentAt: Date.now() };
      for (const s of subscribers) if (s.centerId === center) send(s, msg);
    }
  }

  async function refreshAll() {
    for (const s of subscribers) {
      if (!s.centerId) continue;
      const r = await deps.proctoring.roster(s.actor, s.centerId, s.date);
      send(s, { type: 'roster', testCenterId: r.testCenterId, date: r.date, rows: r.rows, serverTime: new Date().toISOString() });
    }
  }

  async function onMessage(s: Subscriber, raw: string) {
    let parsed;
    try {
      parsed = proctorClientMessageSchema.safeParse(JSON.parse(raw));
    } catch {
      return send(s, { type: 'error', code: 'BAD_MESSAGE', message: 'The message is not valid JSON' });
    }
    if (!parsed.success) return send(s, { type: 'error', code: 'BAD_MESSAGE', message: parsed.error.issues[0]?.message ?? 'malformed message' });
    const m = parsed.data;
    if (m.type === 'ping') return send(s, { type: 'pong', clientSentAt: m.clientSentAt, serverTime: Date.now() });
    try {
      const r = await deps.proctoring.roster(s.actor, m.testCenterId, m.date);
      s.centerId = m.testCenterId;
      s.date = m.date;
      send(s, { type: 'roster', testCenterId: r.testCenterId, date: r.date, rows: r.rows, serverTime: new Date().toISOString() });
    } catch (e) {
      if (e instanceof AppError) send(s, { type: 'error', code: e.code, message: e.message });
      else throw e;
    }
  }

  const timers: NodeJS.Timeout[] = [];
  const unsubscribe: (() => void)[] = [];
  let flushing = false;

  return {
    attach(socket: MinimalSocket & { on(e: 'message', l: (d: unknown) => void): unknown; on(e: 'close', l: () => void): unknown }, actor: Actor | null) {
      if (!actor || (actor.role !== 'proctor' && actor.role !== 'admin')) {
        socket.send(JSON.stringify({ type: 'error', code: actor ? 'FORBIDDEN' : 'UNAUTHENTICATED', message: 'The proctor feed is for signed-in proctors and admins' } satisfies ProctorServerMessage));
        socket.close(4003, 'forbidden');
        return;
      }
      const s: Subscriber = { socket, actor, centerId: null, date: undefined };
      subscribers.add(s);
      let chain = Promise.resolve();
      socket.on('message', (d: unknown) => {
        chain = chain.then(() => onMessage(s, String(d))).catch((e) => log('proctor message failed', e));
      });
      socket.on('close', () => subscribers.delete(s));
    },
    start() {
      unsubscribe.push(deps.bus.on('session', (e: BusEvent) => markDirty(e.center, [e.id])));
      unsubscribe.push(deps.bus.on('progress', (e: BusEvent) => markDirty(e.center, Array.isArray(e.ids) ? e.ids : [])));
      timers.push(
        setInterval(() => {
          if (flushing || dirty.size === 0) return;
          flushing = true;
          void flush()
            .catch((e) => log('proctor feed flush failed', e))
            .finally(() => (flushing = false));
        }, FLUSH_MS),
      );
      timers.push(setInterval(() => void refreshAll().catch((e) => log('proctor feed refresh failed', e)), FULL_REFRESH_MS));
    },
    stop() {
      for (const t of timers) clearInterval(t);
      for (const u of unsubscribe) u();
      for (const s of subscribers) s.socket.close(1001, 'server restarting');
      subscribers.clear();
    },
    subscribers: () => subscribers.size,
  };
}
export type ProctorFeed = ReturnType<typeof createProctorFeed>;
