/** The REST calls of practice tests. Types are the wire form of the schemas in shared/api/practice.ts. */
import type { Wire } from '../../../../shared/api/common.ts';
import type { practiceAttemptSchema, practiceOverviewSchema, practiceResponseSchema, practiceReviewSchema, savedPracticeResponseSchema, startPracticeSchema } from '../../../../shared/api/practice.ts';
import type { CandidateImage } from '../../../../shared/protocol/session-protocol.ts';
import { api } from '../../lib/api-client.ts';

export type PracticeAttempt = Wire<typeof practiceAttemptSchema>;
export type PracticeOverview = Wire<typeof practiceOverviewSchema>;
export type PracticeReview = Wire<typeof practiceReviewSchema>;
type Saved = Wire<typeof savedPracticeResponseSchema>;

export const practiceOverview = () => api<PracticeOverview>('GET', '/api/practice');
export const startPractice = (body: Wire<typeof startPracticeSchema>) => api<PracticeAttempt>('POST', '/api/practice', body);
export const getPractice = (id: string) => api<PracticeAttempt>('GET', `/api/practice/${id}`);
export const savePracticeResponse = (id: string, body: Wire<typeof practiceResponseSchema>) => api<Saved>('POST', `/api/practice/${id}/responses`, body);
export const submitPractice = (id: string) => api<PracticeAttempt>('POST', `/api/practice/${id}/submit`, {});
export const getPracticeReview = (id: string) => api<PracticeReview>('GET', `/api/practice/${id}/review`);
/** A picture of a question on this practice test: served only to its candidate (docs/practice.md). */
export const practiceImageUrl = (id: string, image: CandidateImage) => `/api/practice/${encodeURIComponent(id)}/media/${image.sha256}`;
