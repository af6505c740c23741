/**
 * Runs the seat camera while `camera` is given (the exam runs and the candidate consented), loading its code on first
 * use (seat-camera.ts is a separate chunk, so the exam route's JavaScript stays within its budget).
 */
import { useEffect } from 'react';
import type { SessionCamera } from './api.ts';

export function useSeatCamera(sessionId: string, camera: SessionCamera | null) {
  const interval = camera?.intervalSeconds ?? null;
  const maxBytes = camera?.maxBytes ?? null;
  useEffect(() => {
    if (interval === null || maxBytes === null) return;
    let stop: (() => void) | null = null;
    let cancelled = false;
    void import('./seat-camera.ts').then((m) => {
      if (!cancelled) stop = m.startSeatCamera({ sessionId, intervalSeconds: interval, maxBytes, onStatus: () => {} });
    });
    return () => {
      cancelled = true;
      stop?.();
    };
  }, [sessionId, interval, maxBytes]);
}
