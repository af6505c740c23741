/**
 * The score report as the API returns it (GET /api/sessions/:id/report) and the PDF prints it: totals against the
 * cut and the diagnostic by Key Work Activity. No item content, ever.
 */

export type KwaLabel = 'strength' | 'review' | 'too-few-items';

export interface KwaResult {
  kwa: string;
  title: string;
  items: number;
  correct: number;
  /** Percent correct, rounded half up to one decimal. */
  percent: number;
  /** Wilson 95% score interval of the percent correct, in percent, rounded half up to one decimal. */
  band: { low: number; high: number };
  label: KwaLabel;
}

/** How a label reads, on screen and on paper alike. */
export const KWA_LABEL_TEXT: Record<KwaLabel, string> = {
  strength: 'Strength',
  review: 'Review this area',
  'too-few-items': 'Too few questions to judge',
};

export interface ScoreReport {
  sessionId: string;
  candidateName: string;
  module: string;
  moduleTitle: string;
  testCenter: string;
  /** When the session ended (ISO 8601), or null while it has not. */
  date: string | null;
  endReason: string | null;
  status: 'scored' | 'pending';
  result: {
    scoredItems: number;
    rawScore: number;
    percent: number;
    cutPercent: number;
    rawCut: number;
    passed: boolean;
    kwas: KwaResult[];
    diagnosticNote: string;
    /** Which scoring rules produced it (a rescore under new rules changes it). */
    scoringVersion: string;
  } | null;
  /**
   * The module certificate this result earned. validThrough is its last valid local date; expiresOn the first date it
   * is no longer valid (the day after validThrough).
   */
  certificate: { verificationCode: string; issuedOn: string; validThrough: string; expiresOn: string; status: CredentialStatus } | null;
  /** An admin placed the result on hold or voided it (null: the result stands as scored). */
  disposition: ResultDisposition | null;
  /** The candidate's sign-in name, printed as the candidate ID. */
  candidateUsername: string;
  /** The delivered form, for appeals. */
  formId: string | null;
  /** The test center's IANA time zone; dates on the report are given in it. */
  timeZone: string;
}

export type CredentialStatus = 'valid' | 'expired' | 'suspended' | 'revoked';

export interface ResultDisposition {
  state: 'on-hold' | 'void';
  reason: string;
  decidedAt: string;
  /** Void only: the attempt still counts as a failed attempt for retake waits. */
  countsAsAttempt: boolean;
}
