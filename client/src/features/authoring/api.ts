/**
 * The REST calls of the author workspace. Request and response types are the wire form (`Wire<>`) of the schemas the
 * server validates and serializes with (shared/api/item-bank.ts, item-analysis.ts, score-report.ts for the rescore),
 * imported as types only, so this lazy chunk carries no schema code. Errors come back as values (lib/api-client.ts).
 */
import type { Me } from '../../../../shared/api/auth.ts';
import type { ErrorBody, Problem } from '../../../../shared/errors.ts';
import type { ImageRef, ItemContent, ItemOption } from '../../../../shared/item-bank-format.ts';
import type { ItemStatus, ModuleCode } from '../../../../shared/vocabulary.ts';
import type { Wire } from '../../../../shared/api/common.ts';
import type {
  BlueprintCoverage,
  bankImportRequestSchema,
  bankImportResponseSchema,
  bankItemSchema,
  bankUploadRequestSchema,
  bankUploadResponseSchema,
  ImportSummary,
  ItemChange,
  itemEditResponseSchema,
  itemEditSchema,
  itemHistorySchema,
  itemPreviewSchema,
  itemReviewRequestSchema,
  itemReviewResponseSchema,
  KwaCoverage,
  mediaUploadRequestSchema,
  mediaUploadResponseSchema,
  skippedItemSchema,
} from '../../../../shared/api/item-bank.ts';
import type { rescoreRequestSchema, rescoreResultSchema } from '../../../../shared/api/score-report.ts';
import type { releaseProposeRequestSchema, releaseProposeResponseSchema, releaseSummarySchema } from '../../../../shared/api/releases.ts';
import type { DeliveredItemStatistics, FlagThresholds, FormStatistics, ItemFlag, ItemFlagCode, ModuleAnalysis, OptionStats } from '../../../../shared/api/item-analysis.ts';
import type { proposalDecisionSchema, proposalSchema } from '../../../../shared/api/authoring.ts';
import { api, type ApiResult } from '../../lib/api-client.ts';

export type { ApiResult, BlueprintCoverage, ImageRef, ImportSummary, ItemChange, ErrorBody, ItemContent, ItemFlag, ItemOption, ItemStatus, KwaCoverage, Me, ModuleAnalysis, ModuleCode, OptionStats, Problem };
export type ItemAnalysis = DeliveredItemStatistics;
export type FormAnalysis = FormStatistics;
export type Thresholds = FlagThresholds;
export type FlagCode = ItemFlagCode;

/** shared/vocabulary.ts holds the same lists; repeated here because importing it would pull zod into the chunk. */
export const MODULES: readonly ModuleCode[] = ['SAF', 'QPM', 'MPP', 'MA', 'GRN'];
export const STATUSES: readonly ItemStatus[] = ['draft', 'in-review', 'approved', 'pretest', 'operational', 'retired', 'practice'];
export const OPTION_LETTERS = ['A', 'B', 'C', 'D', 'E'] as const;

export const ITEM_CHANGES: readonly ItemChange[] = ['new', 'changed', 'status-changed', 'retired', 'unchanged'];

/** An item a CSV or QTI upload could not convert (reported always; left out only in lenient mode). */
export type SkippedItem = Wire<typeof skippedItemSchema>;

/** A JSON import's answer, or an upload's (which adds what it skipped and the images it found). */
export type ImportResponse = Wire<typeof bankImportResponseSchema> & Partial<Pick<Wire<typeof bankUploadResponseSchema>, 'skipped' | 'assets'>>;

export type BankItem = Wire<typeof bankItemSchema>;

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

export type ItemEdit = Wire<typeof itemEditSchema>;
export type EditResponse = Wire<typeof itemEditResponseSchema>;
export type ItemPreview = Wire<typeof itemPreviewSchema>;

/** Coverage feeds the Coverage tab and the KWA choices of the Items tab; the workspace reloads it after every bank change. */
export interface CoverageState {
  data: BlueprintCoverage[] | null;
  error: string | null;
}

/** The server's defaults (server/src/modules/psychometrics/domain/item-analysis.ts DEFAULT_THRESHOLDS). */
export const DEFAULT_THRESHOLDS: Thresholds = { pMin: 0.2, pMax: 0.95, minCorrectedPointBiserial: 0.15, minDistractorShare: 0.05 };

export type RescoreResult = Wire<typeof rescoreResultSchema>;
export type RescoreChange = RescoreResult['changes'][number];

const enc = encodeURIComponent;
const query = (params: Record<string, string | number | undefined>) => {
  const q = Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${enc(k)}=${enc(String(v))}`)
    .join('&');
  return q ? `?${q}` : '';
};

export const getMe = () => api<Me>('GET', '/api/auth/me');

export const importJson = (files: { name: string; text: string }[], dryRun: boolean) => api<ImportResponse>('POST', '/api/bank/import', { files, dryRun } satisfies Wire<typeof bankImportRequestSchema>);
export const uploadFiles = (files: { name: string; base64: string }[], dryRun: boolean, lenient: boolean) => api<ImportResponse>('POST', '/api/bank/upload', { files, dryRun, lenient } satisfies Wire<typeof bankUploadRequestSchema>);

export const listItems = (f: ItemFilter) => api<BankItem[]>('GET', `/api/bank/items${query({ module: f.module, kwa: f.kwa, status: f.status, topic: f.topic })}`);
export const editItem = (id: string, patch: ItemEdit) => api<EditResponse>('PUT', `/api/bank/items/${enc(id)}`, patch);
/** One picture for the editor: the server checks and stores it by hash; its `src` goes into an item's image with alt text. */
export type UploadedImage = Wire<typeof mediaUploadResponseSchema>;
export const uploadImage = (name: string, base64: string) => api<UploadedImage>('POST', '/api/bank/media', { name, base64 } satisfies Wire<typeof mediaUploadRequestSchema>);
/** A stored picture of the bank, from the staff media route. */
export const bankImageUrl = (src: string) => `/api/bank/media/${src.replace(/^sha256:/, '')}`;
export const retireItem = (id: string) => api<EditResponse>('POST', `/api/bank/items/${enc(id)}/retire`);
export const previewItem = (id: string) => api<ItemPreview>('GET', `/api/bank/items/${enc(id)}/preview`);
export const getCoverage = () => api<BlueprintCoverage[]>('GET', '/api/bank/coverage');
/** `release`: a bank release id, `live` (sessions drawn from the live bank) or undefined for every session. */
export const getAnalysis = (module: string, t: Partial<Thresholds>, release?: string) =>
  api<ModuleAnalysis>('GET', `/api/bank/analysis${query({ module, pMin: t.pMin, pMax: t.pMax, minCorrectedPointBiserial: t.minCorrectedPointBiserial, release })}`);
export const rescore = (body: Wire<typeof rescoreRequestSchema>) => api<RescoreResult>('POST', '/api/admin/rescore', body);

export type Proposal = Wire<typeof proposalSchema>;
export type ReleaseSummary = Wire<typeof releaseSummarySchema>;
export type ReleaseProposal = Wire<typeof releaseProposeResponseSchema>;
export const listReleases = () => api<ReleaseSummary[]>('GET', '/api/bank/releases');
export const proposeRelease = (body: Wire<typeof releaseProposeRequestSchema>) => api<ReleaseProposal>('POST', '/api/bank/releases', body);
export type ProposalDecision = Wire<typeof proposalDecisionSchema>;
export const getProposals = () => api<Proposal[]>('GET', '/api/authoring/proposals');
export const decideProposal = (p: Pick<Proposal, 'kind' | 'id'>, decision: 'approve' | 'reject', note: string) =>
  api<ProposalDecision>('POST', `/api/authoring/proposals/${p.kind}/${encodeURIComponent(p.id)}/${decision}`, note || decision === 'reject' ? { note } : {});

export type ItemHistory = Wire<typeof itemHistorySchema>;
export type ReviewRequest = Wire<typeof itemReviewRequestSchema>;
export const getItemHistory = (id: string) => api<ItemHistory>('GET', `/api/bank/items/${encodeURIComponent(id)}/history`);
export const reviewItem = (id: string, body: ReviewRequest) => api<Wire<typeof itemReviewResponseSchema>>('POST', `/api/bank/items/${encodeURIComponent(id)}/review`, body);
