/** React glue for the exam controller: one controller per session, its state through useSyncExternalStore. */
import { useEffect, useState, useSyncExternalStore } from 'react';
import { sameOriginSocketUrl } from '../../lib/ws-client.ts';
import { memoryStore, type KeyValueStore } from '../../lib/outbox.ts';
import { createExamController, type ExamController } from './exam-controller.ts';
import type { ExamState } from './exam-state.ts';

function browserStore(): KeyValueStore {
  try {
    const k = 'cpt-exam:probe';
    localStorage.setItem(k, '1');
    localStorage.removeItem(k);
    return localStorage;
  } catch {
    return memoryStore();
  }
}

/**
 * This tab's stable client instance id: kept in sessionStorage, so it survives reloads and reconnects of the tab but
 * another tab or browser gets its own. A server restart is then a reconnect of the same instance, not a takeover.
 */
export function tabInstanceId(): string {
  const key = 'cpt-exam:instance';
  try {
    const existing = sessionStorage.getItem(key);
    if (existing && /^[A-Za-z0-9_-]{8,64}$/.test(existing)) return existing;
    const id = crypto.randomUUID();
    sessionStorage.setItem(key, id);
    return id;
  } catch {
    return (memoInstance ??= crypto.randomUUID());
  }
}
let memoInstance: string | undefined;

/** Opens the exam connection while `enabled`; the controller lives as long as the component. */
export function useExamController(sessionId: string, enabled: boolean, scheduledAt: string | null): ExamController | null {
  const [controller, setController] = useState<ExamController | null>(null);
  useEffect(() => {
    if (!enabled) return;
    const scheduled = scheduledAt ? Date.parse(scheduledAt) : NaN;
    const c = createExamController({
      sessionId,
      url: sameOriginSocketUrl('/ws/session'),
      store: browserStore(),
      instanceId: tabInstanceId(),
      // Tenths of a second since the session was scheduled, on the server's clock (see Outbox.nextSeq).
      seqFloor: Number.isFinite(scheduled) ? (serverNow) => Math.max(0, Math.floor((serverNow - scheduled) / 100)) : undefined,
    });
    c.start();
    setController(c);
    return () => {
      c.stop();
      setController(null);
    };
  }, [sessionId, enabled, scheduledAt]);
  return controller;
}

const noop = () => () => {};
export function useExamState(controller: ExamController | null): ExamState | null {
  return useSyncExternalStore(controller ? controller.subscribe : noop, () => (controller ? controller.getState() : null));
}
