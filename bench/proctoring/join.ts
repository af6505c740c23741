/**
 * Joins what the candidates sent with what the proctors received: an event (candidate index, count k, send time) is
 * seen at the first `rows` message whose row for that session shows the count >= k. Pure, so it can be checked alone.
 */
import { summarize } from '../lib/stats.ts';
import type { EventColumns } from './ipc.ts';

export interface JoinResult {
  sent: number;
  refused: number;
  /** Seen within the limit. */
  measured: number;
  /** Never seen within the limit (including never at all). */
  dropped: number;
  /** Seen, but later than the limit (part of `dropped`). */
  late: number;
  /** Seen before it was sent: a clock or join error; should be 0. */
  negative: number;
  latencyMs: Float64Array;
  /** Send -> ack (the write committed and the candidate heard so). */
  ackMs: Float64Array;
  /** Ack -> the server's flush of the rows message (waiting for the 250 ms tick and for the centers flushed before). */
  ackToFlushMs: Float64Array;
  /** Flush (sentAt) -> the proctor process's message handler. */
  flushToReceiveMs: Float64Array;
  /** Latency counting full roster refreshes too (whichever message showed it first). */
  latencyAnyMs: Float64Array;
  /** Events first shown by a roster refresh rather than a rows message. */
  firstByRoster: number;
  /** Per second of the run (by send time): [second, measured, p95 ms, dropped]. */
  bySecond: [number, number, number | null, number][];
  droppedSample: { index: number; k: number; sentAt: number; seenAt: number | null }[];
}

export function join(events: EventColumns, seenRows: Float64Array, sentAtRows: Float64Array, seenAny: Float64Array, max: number, limitMs: number, startWall: number): JoinResult {
  const latency: number[] = [];
  const ack: number[] = [];
  const ackToFlush: number[] = [];
  const flushToReceive: number[] = [];
  const any: number[] = [];
  const perSecond = new Map<number, { lat: number[]; dropped: number }>();
  const droppedSample: JoinResult['droppedSample'] = [];
  let refused = 0;
  let dropped = 0;
  let late = 0;
  let negative = 0;
  let firstByRoster = 0;
  for (let i = 0; i < events.index.length; i++) {
    if (events.refused[i]) {
      refused++;
      continue;
    }
    const k = events.k[i]!;
    const sentAt = events.sentAt[i]!;
    const sec = Math.floor((sentAt - startWall) / 1000);
    if (!perSecond.has(sec)) perSecond.set(sec, { lat: [], dropped: 0 });
    const bucket = perSecond.get(sec)!;
    const at = k < max ? events.index[i]! * max + k : -1;
    const seen = at >= 0 ? seenRows[at]! : 0;
    if (!seen || seen - sentAt > limitMs) {
      dropped++;
      bucket.dropped++;
      if (seen) late++;
      if (droppedSample.length < 20) droppedSample.push({ index: events.index[i]!, k, sentAt: Math.round(sentAt), seenAt: seen ? Math.round(seen) : null });
      continue;
    }
    const l = seen - sentAt;
    if (l < 0) negative++;
    latency.push(l);
    bucket.lat.push(l);
    const a = events.ackAt[i]!;
    const flush = sentAtRows[at]!;
    if (!Number.isNaN(a)) {
      ack.push(a - sentAt);
      ackToFlush.push(flush - a);
    }
    flushToReceive.push(seen - flush);
    const anySeen = seenAny[at]!;
    if (anySeen) {
      any.push(Math.min(anySeen, seen) - sentAt);
      if (anySeen < seen) firstByRoster++;
    }
  }
  const bySecond = [...perSecond.entries()]
    .sort((x, y) => x[0] - y[0])
    .map(([s, b]) => [s, b.lat.length, summarize(b.lat).p95, b.dropped] as [number, number, number | null, number]);
  return {
    sent: events.index.length,
    refused,
    measured: latency.length,
    dropped,
    late,
    negative,
    latencyMs: Float64Array.from(latency),
    ackMs: Float64Array.from(ack),
    ackToFlushMs: Float64Array.from(ackToFlush),
    flushToReceiveMs: Float64Array.from(flushToReceive),
    latencyAnyMs: Float64Array.from(any),
    firstByRoster,
    bySecond,
    droppedSample,
  };
}
