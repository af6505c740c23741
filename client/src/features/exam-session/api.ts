/** The REST calls of the candidate's exam flow. Types follow server/src/modules/sessions/sessions.routes.ts. */
import type { SessionState, TimeState } from '../../../../shared/protocol/session-protocol.ts';
import { api } from '../../lib/api-client.ts';

export interface MySession {
  id: string;
  module: string;
  moduleTitle: string;
  state: SessionState;
  scheduledAt: string;
  testCenterId: string;
  admittedAt: string | null;
  handbookAcknowledgedAt: string | null;
  endedAt: string | null;
  endReason: string | null;
}

export interface SessionStatus {
  id: string;
  module: string;
  state: SessionState;
  scheduledAt: string;
  admitted: boolean;
  handbookAcknowledged: boolean;
  pauseReason: string | null;
  endReason: string | null;
  timeMultiplier: number;
  time: TimeState;
}

export interface Handbook {
  version: string;
  sections: { title: string; text: string }[];
}

export const listMySessions = () => api<MySession[]>('GET', '/api/me/sessions');
export const getSession = (id: string) => api<SessionStatus>('GET', `/api/sessions/${id}`);
export const checkIn = (id: string) => api<{ ok: true }>('POST', `/api/sessions/${id}/check-in`);
export const getHandbook = () => api<Handbook>('GET', '/api/handbook');
export const acknowledgeHandbook = (id: string, version: string) => api<{ ok: true }>('POST', `/api/sessions/${id}/handbook`, { version });
export const startExam = (id: string) => api<{ ok: true }>('POST', `/api/sessions/${id}/start`);

export const ENDED_STATES: readonly SessionState[] = ['submitted', 'expired', 'terminated', 'scored'];
