/**
 * The REST calls of the proctor console. Request and response types are the wire form (`Wire<>`) of the schemas the
 * server validates and serializes with (shared/api/{accounts,sessions,proctoring}.ts), imported as types only.
 * Errors come back as values (lib/api-client.ts) and are shown next to the action that failed.
 */
import type { CandidateImportResult, candidateImportRequestSchema, createUserRequestSchema, TestCenter, UserSummary } from '../../../../shared/api/accounts.ts';
import type { Me } from '../../../../shared/api/auth.ts';
import type { cameraReopenRequestSchema, cameraSettingsRequestSchema, cameraSettingsSchema, sessionCameraSchema } from '../../../../shared/api/camera.ts';
import type { okSchema, Wire } from '../../../../shared/api/common.ts';
import type { answerHandSchema, bulkReasonSchema, messagedCountSchema, noteSchema, proctorMessageSchema, pausedCountSchema, resumedCountSchema, timelineEventSchema, timelineSchema } from '../../../../shared/api/proctoring.ts';
import type {
  admitSchema,
  approveExtensionSchema,
  breakRequestSchema,
  declineExtensionSchema,
  extendResultSchema,
  extendSchema,
  extensionDecisionSchema,
  extensionRequestSchema,
  launchCodeSchema,
  reasonSchema,
  reopenSchema,
  resumeSchema,
  scheduledSessionSchema,
  scheduleSessionRequestSchema,
  seatRequestSchema,
  seatResponseSchema,
  terminateSchema,
} from '../../../../shared/api/sessions.ts';
import type { ErrorBody, Problem } from '../../../../shared/errors.ts';
import { api, type ApiResult } from '../../lib/api-client.ts';

export type { TestCenter, Me, ErrorBody, Problem };

export type CandidateSummary = UserSummary;
export type ImportResult = CandidateImportResult;
export type TimelineEvent = Wire<typeof timelineEventSchema>;
export type ScheduleRequest = Wire<typeof scheduleSessionRequestSchema>;
export type ExtensionRequest = Wire<typeof extensionRequestSchema>;
export type TerminateRequest = Wire<typeof terminateSchema>;
export type NoteRequest = Wire<typeof noteSchema>;

type Ok = Wire<typeof okSchema>;
const enc = encodeURIComponent;

export const getMe = () => api<Me>('GET', '/api/auth/me');
export const listCenters = () => api<TestCenter[]>('GET', '/api/test-centers');
export const listCandidates = (centerId: string) => api<CandidateSummary[]>('GET', `/api/test-centers/${enc(centerId)}/candidates`);
export const importCandidates = (centerId: string, body: Wire<typeof candidateImportRequestSchema>) => api<ImportResult>('POST', `/api/test-centers/${enc(centerId)}/candidates/import`, body);
export const createCandidate = (body: { username: string; displayName: string; password: string; testCenterCode: string }) =>
  api<CandidateSummary>('POST', '/api/admin/users', { username: body.username, displayName: body.displayName, role: 'candidate', password: body.password, testCenterCodes: [body.testCenterCode] } satisfies Wire<typeof createUserRequestSchema>);
export const scheduleSession = (body: ScheduleRequest) => api<Wire<typeof scheduledSessionSchema>>('POST', '/api/sessions', body);

/** Admits; `seat` seats the candidate at the same time (absent: the seat from scheduling stays). */
export const admit = (id: string, seat?: string | null) => api<Ok>('POST', `/api/sessions/${enc(id)}/admit`, { idConfirmed: true, ...(seat !== undefined ? { seat } : {}) } satisfies Wire<typeof admitSchema>);
export const setSeat = (id: string, seat: string | null) => api<Wire<typeof seatResponseSchema>>('PUT', `/api/sessions/${enc(id)}/seat`, { seat } satisfies Wire<typeof seatRequestSchema>);
export const startBreak = (id: string, note?: string) => api<Ok>('POST', `/api/sessions/${enc(id)}/break`, (note ? { note } : {}) satisfies Wire<typeof breakRequestSchema>);
export const start = (id: string) => api<Ok>('POST', `/api/sessions/${enc(id)}/start`);
export const pause = (id: string, reason: string) => api<Ok>('POST', `/api/sessions/${enc(id)}/pause`, { reason } satisfies Wire<typeof reasonSchema>);
export const resume = (id: string, reason?: string) => api<Ok>('POST', `/api/sessions/${enc(id)}/resume`, (reason ? { reason } : {}) satisfies Wire<typeof resumeSchema>);
/** Applied at once (200), or past the per-exam cap filed for an admin (202, `outcome: 'requested'`). */
export const extend = (id: string, minutes: number, reason: string) => api<Wire<typeof extendResultSchema>>('POST', `/api/sessions/${enc(id)}/extend`, { minutes, reason } satisfies Wire<typeof extendSchema>);
export const terminate = (id: string, body: TerminateRequest) => api<Ok>('POST', `/api/sessions/${enc(id)}/terminate`, body);
export const addNote = (id: string, body: NoteRequest) => api<Ok>('POST', `/api/sessions/${enc(id)}/incidents`, body);
export const extensionRequests = (centerId: string) => api<ExtensionRequest[]>('GET', `/api/extension-requests?testCenterId=${enc(centerId)}`);
export const approveExtension = (id: string, note?: string) => api<Wire<typeof extensionDecisionSchema>>('POST', `/api/admin/extension-requests/${enc(id)}/approve`, (note ? { note } : {}) satisfies Wire<typeof approveExtensionSchema>);
export const declineExtension = (id: string, note: string) => api<Wire<typeof extensionDecisionSchema>>('POST', `/api/admin/extension-requests/${enc(id)}/decline`, { note } satisfies Wire<typeof declineExtensionSchema>);
export const reopen = (id: string, body: Wire<typeof reopenSchema>) => api<Ok>('POST', `/api/admin/sessions/${enc(id)}/reopen`, body);
/** The session's irregularity report (PDF), fetched by the browser as a download. */
export const irregularityReportUrl = (id: string) => `/api/sessions/${enc(id)}/irregularity-report.pdf`;
export const messageSeat = (id: string, text: string) => api<Ok>('POST', `/api/sessions/${enc(id)}/message`, { text } satisfies Wire<typeof proctorMessageSchema>);
export const answerHand = (id: string, text: string) => api<Ok>('POST', `/api/sessions/${enc(id)}/hand/answer`, { text } satisfies Wire<typeof answerHandSchema>);
export const messageRoom = (centerId: string, text: string) => api<Wire<typeof messagedCountSchema>>('POST', `/api/proctor/centers/${enc(centerId)}/message`, { text } satisfies Wire<typeof proctorMessageSchema>);
export const timeline = (id: string) => api<Wire<typeof timelineSchema>>('GET', `/api/sessions/${enc(id)}/timeline`);
export const launchCode = (id: string) => api<Wire<typeof launchCodeSchema>>('POST', `/api/sessions/${enc(id)}/launch-code`);
export const pauseAll = (centerId: string, reason: string) => api<Wire<typeof pausedCountSchema>>('POST', `/api/proctor/centers/${enc(centerId)}/pause-all`, { reason } satisfies Wire<typeof bulkReasonSchema>);
export const resumeAll = (centerId: string, reason: string) => api<Wire<typeof resumedCountSchema>>('POST', `/api/proctor/centers/${enc(centerId)}/resume-all`, { reason } satisfies Wire<typeof bulkReasonSchema>);

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

/** The seat camera (#17.11): the center's setting (admins change it) and a still's address for an <img>. */
export type CameraSettings = Wire<typeof cameraSettingsSchema>;
export const cameraSettings = (centerId: string) => api<CameraSettings>('GET', `/api/test-centers/${enc(centerId)}/camera`);
export const updateCameraSettings = (centerId: string, body: Wire<typeof cameraSettingsRequestSchema>) => api<CameraSettings>('PUT', `/api/admin/test-centers/${enc(centerId)}/camera`, body);
export const stillUrl = (sessionId: string, stillId: string) => `/api/sessions/${enc(sessionId)}/camera/stills/${enc(stillId)}`;
/** Reopen the candidate's camera decision with a reason (#17.11): their exam page asks the consent question again. */
export const reopenCamera = (sessionId: string, reason: string) => api<Wire<typeof sessionCameraSchema>>('POST', `/api/sessions/${enc(sessionId)}/camera/reopen`, { reason } satisfies Wire<typeof cameraReopenRequestSchema>);
