/**
 * The REST calls of the author workspace. Types follow server/src/modules/item-bank/item-bank.routes.ts,
 * psychometrics/psychometrics.routes.ts and scoring/scoring.routes.ts (POST /api/admin/rescore). Types come from
 * shared/ as types only, so this lazy chunk carries no zod. Errors come back as values (lib/api-client.ts).
 */
import type { Me } from '../../../../shared/api/auth.ts';
import type { ErrorBody, Problem } from '../../../../shared/errors.ts';
import type { ItemContent, ItemOption, ItemStats } from '../../../../shared/item-bank-format.ts';
import type { ItemStatus, ModuleCode } from '../../../../shared/vocabulary.ts';
import type { BlueprintCoverage, ImportSummary, ItemChange, KwaCoverage } from '../../../../shared/api/item-bank.ts';
import type { DeliveredItemStatistics, FlagThresholds, FormStatistics, ItemFlag, ItemFlagCode, ModuleAnalysis, OptionStats } from '../../../../shared/api/item-analysis.ts';
import { api, type ApiResult } from '../../lib/api-client.ts';

export type { ApiResult, BlueprintCoverage, ImportSummary, ItemChange, ErrorBody, ItemContent, ItemFlag, ItemOption, ItemStatus, KwaCoverage, Me, ModuleAnalysis, ModuleCode, OptionStats, Problem };
export type ItemAnalysis = DeliveredItemStatistics;
export type FormAnalysis = FormStatistics;
export type Thresholds = FlagThresholds;
export type FlagCode = ItemFlagCode;

/** shared/vocabulary.ts holds the same lists; repeated here because importing it would pull zod into the chunk. */
export const MODULES: readonly ModuleCode[] = ['SAF', 'QPM', 'MPP', 'MA', 'GRN'];
export const STATUSES: readonly ItemStatus[] = ['draft', 'pretest', 'operational', 'retired'];
export const OPTION_LETTERS = ['A', 'B', 'C', 'D', 'E'] as const;

export const ITEM_CHANGES: readonly ItemChange[] = ['new', 'changed', 'status-changed', 'retired', 'unchanged'];

/** An item a CSV or QTI upload could not convert (reported always; left out only in lenient mode). */
export interface SkippedItem {
  file: string;
  itemId?: string;
  reason: string;
}

export interface ImportResponse {
  dryRun: boolean;
  changed: boolean;
  revision: number;
  summary: ImportSummary;
  items: { id: string; change: ItemChange; fromVersion: number | null }[];
  skipped?: SkippedItem[];
  /** Images that QTI items of an upload use (paths in the package). */
  assets?: string[];
}

export interface BankItem {
  id: string;
  module: ModuleCode;
  status: ItemStatus;
  version: number;
  content: ItemContent;
  stats: ItemStats | null;
}

export interface KwaChoice {
  code: string;
  title: string;
}

export interface ItemFilter {
  module?: string;
  kwa?: string;
  status?: string;
  topic?: string;
}

export type ItemEdit = Partial<Pick<ItemContent, 'kwa' | 'stem' | 'options' | 'key' | 'rationale' | 'topics'>> & { status?: ItemStatus };

export interface EditResponse {
  id: string;
  change: ItemChange;
  version: number;
  revision: number;
}

export interface ItemPreview {
  itemId: string;
  stem: string;
  options: { id: string; text: string }[];
}

/** Coverage feeds the Coverage tab and the KWA choices of the Items tab; the workspace reloads it after every bank change. */
export interface CoverageState {
  data: BlueprintCoverage[] | null;
  error: string | null;
}

/** The server's defaults (server/src/modules/psychometrics/domain/item-analysis.ts DEFAULT_THRESHOLDS). */
export const DEFAULT_THRESHOLDS: Thresholds = { pMin: 0.2, pMax: 0.95, minCorrectedPointBiserial: 0.15, minDistractorShare: 0.05 };

export interface RescoreChange {
  sessionId: string;
  candidate: string;
  module: string;
  before: { rawScore: number; passed: boolean };
  after: { rawScore: number; passed: boolean };
}

export interface RescoreResult {
  itemId: string;
  keyVersion: number;
  sessionsChecked: number;
  changes: RescoreChange[];
  dryRun: boolean;
}

const enc = encodeURIComponent;
const query = (params: Record<string, string | number | undefined>) => {
  const q = Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${enc(k)}=${enc(String(v))}`)
    .join('&');
  return q ? `?${q}` : '';
};

export const getMe = () => api<Me>('GET', '/api/auth/me');

export const importJson = (files: { name: string; text: string }[], dryRun: boolean) => api<ImportResponse>('POST', '/api/bank/import', { files, dryRun });
export const uploadFiles = (files: { name: string; base64: string }[], dryRun: boolean, lenient: boolean) => api<ImportResponse>('POST', '/api/bank/upload', { files, dryRun, lenient });

export const listItems = (f: ItemFilter) => api<BankItem[]>('GET', `/api/bank/items${query({ module: f.module, kwa: f.kwa, status: f.status, topic: f.topic })}`);
export const editItem = (id: string, patch: ItemEdit) => api<EditResponse>('PUT', `/api/bank/items/${enc(id)}`, patch);
export const retireItem = (id: string) => api<EditResponse>('POST', `/api/bank/items/${enc(id)}/retire`);
export const previewItem = (id: string) => api<ItemPreview>('GET', `/api/bank/items/${enc(id)}/preview`);
export const getCoverage = () => api<BlueprintCoverage[]>('GET', '/api/bank/coverage');
export const getAnalysis = (module: string, t: Partial<Thresholds>) =>
  api<ModuleAnalysis>('GET', `/api/bank/analysis${query({ module, pMin: t.pMin, pMax: t.pMax, minCorrectedPointBiserial: t.minCorrectedPointBiserial })}`);
export const rescore = (body: { itemId: string; dryRun: boolean; reason: string }) => api<RescoreResult>('POST', '/api/admin/rescore', body);
