/**
 * The REST calls of the proctor console. Types follow server/src/modules/{accounts,sessions,proctoring}/*.routes.ts.
 * Errors come back as values (lib/api-client.ts) and are shown next to the action that failed.
 */
import type { TestCenter } from '../../../../shared/api/accounts.ts';
import type { Me } from '../../../../shared/api/auth.ts';
import type { ErrorBody, Problem } from '../../../../shared/errors.ts';
import { api, type ApiResult } from '../../lib/api-client.ts';

export type { TestCenter, Me, ErrorBody, Problem };

export interface CandidateSummary {
  id: string;
  username: string;
  displayName: string;
  role: string;
}

export interface ImportResult {
  dryRun: boolean;
  created: number;
  valid: number;
  problems: Problem[];
  rows: { line: number; username: string; displayName: string }[];
}

export interface TimelineEvent {
  at: string;
  source: 'audit' | 'time' | 'incident' | string;
  event: string;
  actorId: string | null;
  actorRole: string | null;
  reason: string | null;
  details: Record<string, unknown> | null;
}

export interface ScheduleRequest {
  candidateId: string;
  module: string;
  testCenterId: string;
  scheduledAt: string;
  timeMultiplier: number;
  accommodationNote: string | null;
  separateRoom: boolean;
}

type Ok = { ok: true };
const enc = encodeURIComponent;

export const getMe = () => api<Me>('GET', '/api/auth/me');
export const listCenters = () => api<TestCenter[]>('GET', '/api/test-centers');
export const listCandidates = (centerId: string) => api<CandidateSummary[]>('GET', `/api/test-centers/${enc(centerId)}/candidates`);
export const importCandidates = (centerId: string, body: { text: string; fileName: string; dryRun: boolean }) => api<ImportResult>('POST', `/api/test-centers/${enc(centerId)}/candidates/import`, body);
export const createCandidate = (body: { username: string; displayName: string; password: string; testCenterCode: string }) =>
  api<CandidateSummary>('POST', '/api/admin/users', { username: body.username, displayName: body.displayName, role: 'candidate', password: body.password, testCenterCodes: [body.testCenterCode] });
export const scheduleSession = (body: ScheduleRequest) => api<{ id: string; state: string; module: string; scheduledAt: string }>('POST', '/api/sessions', body);

export const admit = (id: string) => api<Ok>('POST', `/api/sessions/${enc(id)}/admit`, { idConfirmed: true });
export const start = (id: string) => api<Ok>('POST', `/api/sessions/${enc(id)}/start`);
export const pause = (id: string, reason: string) => api<Ok>('POST', `/api/sessions/${enc(id)}/pause`, { reason });
export const resume = (id: string, reason?: string) => api<Ok>('POST', `/api/sessions/${enc(id)}/resume`, reason ? { reason } : {});
export const extend = (id: string, minutes: number, reason: string) => api<Ok>('POST', `/api/sessions/${enc(id)}/extend`, { minutes, reason });
export const terminate = (id: string, reason: string) => api<Ok>('POST', `/api/sessions/${enc(id)}/terminate`, { reason });
export const addNote = (id: string, note: string) => api<Ok>('POST', `/api/sessions/${enc(id)}/incidents`, { note });
export const timeline = (id: string) => api<{ sessionId: string; events: TimelineEvent[] }>('GET', `/api/sessions/${enc(id)}/timeline`);
export const launchCode = (id: string) => api<{ code: string; expiresAt: string }>('POST', `/api/sessions/${enc(id)}/launch-code`);
export const pauseAll = (centerId: string, reason: string) => api<{ paused: number }>('POST', `/api/proctor/centers/${enc(centerId)}/pause-all`, { reason });
export const resumeAll = (centerId: string, reason: string) => api<{ resumed: number }>('POST', `/api/proctor/centers/${enc(centerId)}/resume-all`, { reason });

/** The day's incidents as CSV text (an error body is turned into an ApiResult error like every other call). */
export async function incidentsCsv(centerId: string, date: string): Promise<ApiResult<string>> {
  let res: Response;
  try {
    res = await fetch(`/api/proctor/centers/${enc(centerId)}/incidents.csv?date=${enc(date)}`, { credentials: 'same-origin' });
  } catch {
    return { ok: false, status: 0, error: { code: 'INTERNAL', message: 'The server cannot be reached. Check the network connection.' } };
  }
  if (res.ok) return { ok: true, data: await res.text() };
  const json = (await res.json().catch(() => ({}))) as Partial<ErrorBody>;
  return { ok: false, status: res.status, error: { ...json, code: json.code ?? 'INTERNAL', message: json.message ?? `The server answered ${res.status}.` } };
}
