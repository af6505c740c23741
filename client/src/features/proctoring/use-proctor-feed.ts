/**
 * The live roster of one test center, by push only: the /ws/proctor feed sends the whole `roster` on subscribe (and
 * every 15 s), then `rows` as seats change. The socket reconnects with backoff and subscribes again on every open; the
 * clock offset to the server comes from ping/pong round trips, never from counting ticks.
 */
import { useEffect, useRef, useState } from 'react';
import { proctorServerMessageSchema, type ProctorClientMessage, type ProctorServerMessage, type RosterRow } from '../../../../shared/api/proctoring.ts';
import { CLOSE } from '../../../../shared/protocol/close-codes.ts';
import { ClockOffset, sampleFromProbe } from '../../lib/clock-offset.ts';
import { ProtocolSocket } from '../../lib/protocol-socket.ts';
import { sameOriginSocketUrl, type ConnectionStatus } from '../../lib/ws-client.ts';
import { isLiveState, mergeRows, zonedDate } from './roster.ts';

/** Time-sync probes: a few at connect (the best of them is kept), then now and then. */
export const PING_EVERY_MS = 20_000;
/** The feed sends a full roster every 15 s; this much silence means a dead connection. */
export const FEED_SILENCE_MS = 40_000;

export interface FeedState {
  rows: RosterRow[];
  /** The day the roster is for (YYYY-MM-DD, center time), as the server said. */
  date: string | null;
  status: ConnectionStatus;
  /** The feed refused (e.g. not your test center). */
  error: string | null;
  loaded: boolean;
  /** Client time of the last message with rows. */
  updatedAt: number | null;
  offsetMs: number;
  rttMs: number | null;
}

const INITIAL: FeedState = { rows: [], date: null, status: 'connecting', error: null, loaded: false, updatedAt: null, offsetMs: 0, rttMs: null };

export function useProctorFeed(center: { id: string; timeZone: string } | null, date: string | null): FeedState {
  const [state, setState] = useState<FeedState>(INITIAL);
  const socketRef = useRef<ProtocolSocket<ProctorClientMessage, ProctorServerMessage> | null>(null);
  const dateRef = useRef(date);
  dateRef.current = date;

  const centerId = center?.id ?? null;
  const timeZone = center?.timeZone ?? 'UTC';

  useEffect(() => {
    if (!centerId) return;
    setState(INITIAL);
    const offset = new ClockOffset();
    const subscribe = (): ProctorClientMessage => ({ type: 'subscribe', testCenterId: centerId, ...(dateRef.current ? { date: dateRef.current } : {}) });
    const ping = () => socket.send({ type: 'ping', clientSentAt: Date.now() });
    const probes: ReturnType<typeof setTimeout>[] = [];

    const socket = new ProtocolSocket<ProctorClientMessage, ProctorServerMessage>(proctorServerMessageSchema, {
      url: sameOriginSocketUrl('/ws/proctor'),
      silenceMs: FEED_SILENCE_MS,
      onOpen(send) {
        send(subscribe());
        send({ type: 'ping', clientSentAt: Date.now() });
        for (const ms of [1000, 3000]) probes.push(setTimeout(ping, ms));
      },
      onStatus(status) {
        setState((s) => ({ ...s, status }));
      },
      onClose(code) {
        // The server refused this user the feed, or the sign-in ended; retrying cannot help.
        if (code === CLOSE.unauthorized || code === CLOSE.signedOut) return false;
      },
      onMessage(m) {
        const receivedAt = Date.now();
        switch (m.type) {
          case 'roster':
            if (m.testCenterId !== centerId) return;
            if (offset.count === 0) offset.addUnpaired(Date.parse(m.serverTime), receivedAt);
            setState((s) => ({ ...s, rows: m.rows, date: m.date, loaded: true, error: null, updatedAt: receivedAt, offsetMs: offset.offsetMs }));
            return;
          case 'rows':
            setState((s) => {
              if (!s.loaded) return s;
              // A seat we have not seen joins only if it belongs on this day's roster (or is live now).
              const accept = (r: RosterRow) => isLiveState(r.state) || (s.date !== null && zonedDate(Date.parse(r.scheduledAt), timeZone) === s.date);
              return { ...s, rows: mergeRows(s.rows, m.rows, accept), updatedAt: receivedAt };
            });
            return;
          case 'pong': {
            const sample = sampleFromProbe(m.clientSentAt, m.serverTime, receivedAt);
            offset.add(sample);
            setState((s) => ({ ...s, offsetMs: offset.offsetMs, rttMs: Math.round(offset.best?.rttMs ?? sample.rttMs) }));
            return;
          }
          case 'error':
            setState((s) => ({ ...s, error: m.message }));
            return;
        }
      },
    });
    socketRef.current = socket;
    socket.start();
    const timer = setInterval(ping, PING_EVERY_MS);
    return () => {
      clearInterval(timer);
      for (const p of probes) clearTimeout(p);
      socket.stop();
      socketRef.current = null;
    };
  }, [centerId, timeZone]);

  // Another day: subscribe again on the open socket (reconnects use dateRef).
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    if (!centerId) return;
    setState((s) => ({ ...s, loaded: false, rows: [] }));
    socketRef.current?.send({ type: 'subscribe', testCenterId: centerId, ...(date ? { date } : {}) });
  }, [date, centerId]);

  return state;
}
