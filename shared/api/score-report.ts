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
  certificate: { verificationCode: string; issuedOn: string; expiresOn: string } | null;
}
