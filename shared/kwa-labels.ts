/** The diagnostic labels of a score report's KWA lines, and how they read on screen and on paper alike. */
export const KWA_LABELS = ['strength', 'review', 'too-few-items'] as const;
export type KwaLabel = (typeof KWA_LABELS)[number];

export const KWA_LABEL_TEXT: Record<KwaLabel, string> = {
  strength: 'Strength',
  review: 'Review this area',
  'too-few-items': 'Too few questions to judge',
};
