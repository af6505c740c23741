/** Paper delivery's REST calls (docs/paper.md). Types are the wire form of the schemas in shared/api/paper.ts. */
import type { Wire } from '../../../../shared/api/common.ts';
import type { paperEntryRequestSchema, paperRecordRequestSchema, paperScanImportSchema, paperScanResultSchema, paperStatusSchema } from '../../../../shared/api/paper.ts';
import { api } from '../../lib/api-client.ts';

export type PaperStatus = Wire<typeof paperStatusSchema>;
const enc = encodeURIComponent;

export const paperStatus = (sessionId: string) => api<PaperStatus>('GET', `/api/sessions/${enc(sessionId)}/paper`);
export const producePaper = (sessionId: string) => api<PaperStatus>('POST', `/api/sessions/${enc(sessionId)}/paper`, {});
export const keyEntry = (sessionId: string, entry: 1 | 2, marks: string) => api<PaperStatus>('PUT', `/api/sessions/${enc(sessionId)}/paper/entries/${entry}`, { marks } satisfies Wire<typeof paperEntryRequestSchema>);
export const recordPaper = (sessionId: string, body: Wire<typeof paperRecordRequestSchema> = {}) => api<PaperStatus>('POST', `/api/sessions/${enc(sessionId)}/paper/record`, body);
export const importScans = (body: Wire<typeof paperScanImportSchema>) => api<Wire<typeof paperScanResultSchema>>('POST', '/api/paper/scans', body);
export const bookletHref = (sessionId: string) => `/api/sessions/${enc(sessionId)}/paper/booklet.pdf`;
export const answerSheetHref = (sessionId: string) => `/api/sessions/${enc(sessionId)}/paper/answer-sheet.pdf`;
