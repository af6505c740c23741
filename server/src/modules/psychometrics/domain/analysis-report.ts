/**
 * Plain-text rendering of an AnalysisResult for the terminal: the item table (item, N, p, r_pb, corrected r_pb, D,
 * flags), the flag messages, optionally the option (distractor) table, and the form summary. Pure.
 */
import type { AnalysisResult, ItemStatistics } from './item-analysis.ts';

export interface ReportOptions {
  /** Also print each item's options: count, share and point-biserial. */
  distractors?: boolean;
}

/** An undefined statistic. */
const NONE = '—';

const num = (v: number | null | undefined, digits = 3) => (v === null || v === undefined ? NONE : v.toFixed(digits));

function table(header: string[], rows: string[][], rightAligned: boolean[]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (c === cells.length - 1 && !rightAligned[c] ? cell : rightAligned[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

function flagCodes(s: ItemStatistics): string {
  const codes: string[] = [];
  for (const f of s.flags) {
    const code = f.optionId && f.code !== 'PROBABLE_MISKEY' ? `${f.code}(${f.optionId})` : f.code;
    if (!codes.includes(code)) codes.push(code);
  }
  return codes.join(' ');
}

export function renderAnalysisReport(result: AnalysisResult, options: ReportOptions = {}): string {
  const out: string[] = [];
  out.push(
    ...table(
      ['item', 'key', 'N', 'p', 'r_pb', 'r_pb corr', 'D', 'omit', 'flags'],
      result.items.map((s) => [
        s.itemId,
        s.key,
        String(s.n),
        num(s.p),
        num(s.pointBiserial),
        num(s.correctedPointBiserial),
        num(s.discriminationIndex),
        num(s.omitShare),
        flagCodes(s),
      ]),
      [false, false, true, true, true, true, true, true, false],
    ),
  );

  const flagged = result.items.filter((s) => s.flags.length > 0);
  if (flagged.length > 0) {
    out.push('', 'Flags');
    for (const s of flagged) {
      for (const f of s.flags) out.push(`  ${s.itemId} ${f.severity === 'warning' ? 'warning' : 'info   '} ${f.code}: ${f.message}`);
    }
  }

  if (options.distractors) {
    out.push('', 'Options (* = key; r_pb = correlation of choosing the option with the total score)');
    const rows: string[][] = [];
    for (const s of result.items) {
      for (const o of s.options) rows.push([s.itemId, `${o.optionId}${o.isKey ? '*' : ''}`, String(o.count), num(o.share), num(o.pointBiserial)]);
      rows.push([s.itemId, 'omit', String(Math.round((s.omitShare ?? 0) * s.n)), num(s.omitShare), '']);
    }
    out.push(...table(['item', 'option', 'count', 'share', 'r_pb'], rows, [false, false, true, true, true]).map((l) => `  ${l}`));
  }

  const f = result.form;
  const t = result.thresholds;
  out.push(
    '',
    'Form',
    `  candidates ${f.candidates}, items ${f.items}${f.complete ? '' : ' (not every candidate saw every item)'}`,
    `  mean ${num(f.mean)}, SD ${num(f.sd)} (population), KR-20 ${num(f.kr20)}, SEM ${num(f.sem)}`,
    `  score distribution: ${f.distribution.map((d) => `${d.score}:${d.count}`).join(' ') || NONE}`,
  );
  if (f.alphaIfDeleted) {
    out.push(`  KR-20 if item deleted: ${Object.entries(f.alphaIfDeleted).map(([id, a]) => `${id} ${num(a)}`).join(', ')}`);
  }
  for (const note of f.notes) out.push(`  note: ${note}`);
  out.push(
    `  thresholds: p < ${t.pMin} too hard, p > ${t.pMax} too easy, corrected r_pb < ${t.minCorrectedPointBiserial} low discrimination` +
      (t.minDistractorShare !== undefined ? `, distractor share < ${t.minDistractorShare} non-functional` : ''),
  );
  if (result.items.some((s) => s.n > 0 && s.n < 100)) {
    out.push('  caution: statistics from fewer than 100 responses per item are unstable; treat the flags as prompts for review.');
  }
  return out.join('\n') + '\n';
}
