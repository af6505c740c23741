/** The REST calls of the candidate's exam flow. Types are the wire form of the schemas in shared/api/sessions.ts. */
import type { okSchema, Wire } from '../../../../shared/api/common.ts';
import type { handbookAckSchema, handbookSchema, mySessionSchema, sessionStatusSchema, sessionToolsSchema } from '../../../../shared/api/sessions.ts';
import type { cameraConsentRequestSchema, cameraFailureRequestSchema, sessionCameraSchema, stillSchema, stillUploadRequestSchema } from '../../../../shared/api/camera.ts';
import type { SessionState } from '../../../../shared/protocol/session-protocol.ts';
import { api } from '../../lib/api-client.ts';

export type MySession = Wire<typeof mySessionSchema>;
export type SessionStatus = Wire<typeof sessionStatusSchema>;
export type Handbook = Wire<typeof handbookSchema>;
type Ok = Wire<typeof okSchema>;
export type SessionTools = Wire<typeof sessionToolsSchema>;

export const listMySessions = () => api<MySession[]>('GET', '/api/me/sessions');
export const getSession = (id: string) => api<SessionStatus>('GET', `/api/sessions/${id}`);
export const checkIn = (id: string) => api<Ok>('POST', `/api/sessions/${id}/check-in`);
export const getHandbook = () => api<Handbook>('GET', '/api/handbook');
export const acknowledgeHandbook = (id: string, version: string) => api<Ok>('POST', `/api/sessions/${id}/handbook`, { version } satisfies Wire<typeof handbookAckSchema>);
export const getTools = (id: string) => api<SessionTools>('GET', `/api/sessions/${id}/tools`);
export const startExam = (id: string) => api<Ok>('POST', `/api/sessions/${id}/start`);

export const ENDED_STATES: readonly SessionState[] = ['submitted', 'expired', 'terminated', 'scored'];

/** The seat camera (#17.11): whether to ask for consent, the decision, and the stills (seat-camera.ts sends them). */
export type SessionCamera = Wire<typeof sessionCameraSchema>;
export const getCamera = (id: string) => api<SessionCamera>('GET', `/api/sessions/${id}/camera`);
export const decideCamera = (id: string, consent: boolean) => api<SessionCamera>('POST', `/api/sessions/${id}/camera/consent`, { consent } satisfies Wire<typeof cameraConsentRequestSchema>);
export const uploadStill = (id: string, jpeg: string) => api<Wire<typeof stillSchema>>('POST', `/api/sessions/${id}/camera/stills`, { jpeg } satisfies Wire<typeof stillUploadRequestSchema>);
export const reportCameraFailure = (id: string, body: Wire<typeof cameraFailureRequestSchema>) => api<Ok>('POST', `/api/sessions/${id}/camera/failure`, body);
