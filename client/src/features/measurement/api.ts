/**
 * The REST calls of the measurement pages (shared/api/measurement.ts), typed by the wire form of the server's schemas
 * and imported as types only, so this lazy chunk carries no schema code.
 */
import type { Wire } from '../../../../shared/api/common.ts';
import type { calibrationRunSchema, calibrationSummarySchema, decisionQualitySchema, measurementScaleSchema, scaleRequestSchema } from '../../../../shared/api/measurement.ts';
import type { ModuleCode } from '../../../../shared/vocabulary.ts';
import { api } from '../../lib/api-client.ts';

export type CalibrationRun = Wire<typeof calibrationRunSchema>;
export type CalibrationSummary = Wire<typeof calibrationSummarySchema>;
export type Scale = Wire<typeof measurementScaleSchema>;
export type ScaleRequest = Wire<typeof scaleRequestSchema>;
export type DecisionQuality = Wire<typeof decisionQualitySchema>;
export type { ModuleCode };

/** shared/vocabulary.ts holds the same list; repeated because importing it would pull zod into the chunk. */
export const MODULES: readonly ModuleCode[] = ['SAF', 'QPM', 'MPP', 'MA', 'GRN'];

export const calibrate = (module: ModuleCode, kind: 'free' | 'anchored') => api<CalibrationRun>('POST', '/api/measurement/calibrations', { module, kind });
export const listRuns = (module: ModuleCode) => api<CalibrationSummary[]>('GET', `/api/measurement/calibrations?module=${module}`);
export const getRun = (id: string) => api<CalibrationRun>('GET', `/api/measurement/calibrations/${encodeURIComponent(id)}`);
export const adoptRun = (id: string) => api<{ adopted: string[] }>('POST', `/api/measurement/calibrations/${encodeURIComponent(id)}/adopt`, {});
export const listScales = (module: ModuleCode) => api<Scale[]>('GET', `/api/measurement/scales?module=${module}`);
export const recordScale = (body: ScaleRequest) => api<Scale>('POST', '/api/measurement/scales', body);
export const approveScale = (module: ModuleCode, version: number) => api<Scale>('POST', `/api/measurement/scales/${module}/${version}/approve`, {});
export const getDecisionQuality = (module: ModuleCode) => api<DecisionQuality>('GET', `/api/measurement/decision-quality?module=${module}`);
export const decisionQualityCsvHref = (module: ModuleCode) => `/api/measurement/decision-quality.csv?module=${module}`;
