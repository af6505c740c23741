/**
 * Hand-written SVG charts of the item analysis. Each is role="img" with a text alternative; the tables beside them
 * carry the same numbers for screen readers and keyboard users (the plot's points respond to the mouse only; the
 * item table is the keyboard way to pick an item).
 */
import { useId } from 'react';
import type { FormAnalysis, ItemAnalysis, Thresholds } from './api.ts';
import { discriminationDomain, fmt, pct, scale } from './author-helpers.ts';

const isFlagged = (i: ItemAnalysis) => i.flags.some((f) => f.severity === 'warning');

export function ScatterPlot({ items, thresholds, selectedId, onSelect }: { items: ItemAnalysis[]; thresholds: Thresholds; selectedId: string | null; onSelect: (id: string) => void }) {
  const titleId = useId();
  const descId = useId();
  const W = 600;
  const H = 360;
  const m = { l: 56, r: 72, t: 30, b: 48 };
  const plotted = items.filter((i) => i.p !== null && i.correctedPointBiserial !== null);
  const [y0, y1] = discriminationDomain(
    plotted.map((i) => i.correctedPointBiserial),
    thresholds.minCorrectedPointBiserial,
  );
  const x = scale(0, 1, m.l, W - m.r);
  const y = scale(y0, y1, H - m.b, m.t);
  const xTicks = [0, 0.2, 0.4, 0.6, 0.8, 1];
  const yTicks: number[] = [];
  for (let v = y0; v <= y1 + 1e-9; v += 0.2) yTicks.push(Math.round(v * 10) / 10);
  const flagged = plotted.filter(isFlagged);
  const missing = items.length - plotted.length;
  const { pMin, pMax, minCorrectedPointBiserial: rMin } = thresholds;
  // Labels for flagged points, skipping any that would overlap one already placed (the table names every item).
  const labelled = new Set<string>();
  const placed: [number, number][] = [];
  for (const i of flagged) {
    const lx = x(i.p!);
    const ly = y(i.correctedPointBiserial!);
    if (placed.some(([px, py]) => Math.abs(px - lx) < 60 && Math.abs(py - ly) < 14)) continue;
    placed.push([lx, ly]);
    labelled.add(i.itemId);
  }

  return (
    <figure className="author-figure">
      <svg className="author-scatter" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${titleId} ${descId}`}>
        <title id={titleId}>Difficulty against discrimination</title>
        <desc id={descId}>
          {`${plotted.length} item${plotted.length === 1 ? '' : 's'} plotted by p (proportion correct, across) and corrected point-biserial (up). ${flagged.length} flagged for review, drawn as triangles${flagged.length ? `: ${flagged.map((i) => i.itemId).join(', ')}` : ''}. Threshold lines at p ${fmt(pMin)} and ${fmt(pMax)} and corrected point-biserial ${fmt(rMin)}.${missing ? ` ${missing} item${missing === 1 ? ' has' : 's have'} no statistic yet and ${missing === 1 ? 'is' : 'are'} not plotted.` : ''} The item table lists the same values.`}
        </desc>
        <rect className="plot-ok" x={x(pMin)} y={y(y1)} width={Math.max(0, x(pMax) - x(pMin))} height={Math.max(0, y(rMin) - y(y1))} />
        {xTicks.map((t) => (
          <g key={`x${t}`}>
            <line className="grid" x1={x(t)} x2={x(t)} y1={m.t} y2={H - m.b} />
            <text className="tick" x={x(t)} y={H - m.b + 16} textAnchor="middle">
              {t.toFixed(1)}
            </text>
          </g>
        ))}
        {yTicks.map((t) => (
          <g key={`y${t}`}>
            <line className={t === 0 ? 'grid zero' : 'grid'} x1={m.l} x2={W - m.r} y1={y(t)} y2={y(t)} />
            <text className="tick" x={m.l - 8} y={y(t) + 4} textAnchor="end">
              {fmt(t, 1)}
            </text>
          </g>
        ))}
        <line className="threshold" x1={x(pMin)} x2={x(pMin)} y1={m.t} y2={H - m.b} />
        <line className="threshold" x1={x(pMax)} x2={x(pMax)} y1={m.t} y2={H - m.b} />
        <line className="threshold" x1={m.l} x2={W - m.r} y1={y(rMin)} y2={y(rMin)} />
        <text className="threshold-label" x={x(pMin)} y={m.t - 10} textAnchor={pMax - pMin < 0.25 ? 'end' : 'middle'}>
          p min {fmt(pMin)}
        </text>
        <text className="threshold-label" x={x(pMax)} y={m.t - 10} textAnchor={pMax - pMin < 0.25 ? 'start' : 'middle'}>
          p max {fmt(pMax)}
        </text>
        <text className="threshold-label" x={W - m.r + 6} y={y(rMin) + 4}>
          r min {fmt(rMin)}
        </text>
        <text className="axis-label" x={(m.l + W - m.r) / 2} y={H - 8} textAnchor="middle">
          p (proportion correct)
        </text>
        <text className="axis-label" transform={`translate(14 ${(m.t + H - m.b) / 2}) rotate(-90)`} textAnchor="middle">
          corrected point-biserial
        </text>
        {plotted.map((i) => {
          const cx = x(i.p!);
          const cy = y(i.correctedPointBiserial!);
          const f = isFlagged(i);
          const sel = i.itemId === selectedId;
          return (
            <g key={i.itemId} className={`point${f ? ' flagged' : ''}${sel ? ' selected' : ''}`} onClick={() => onSelect(i.itemId)}>
              <title>{`${i.itemId}: p ${fmt(i.p)}, corrected r ${fmt(i.correctedPointBiserial)}${f ? ` — ${i.flags.map((fl) => fl.code).join(', ')}` : ''}`}</title>
              {f ? <path d={`M ${cx} ${cy - 7} L ${cx + 6.5} ${cy + 5} L ${cx - 6.5} ${cy + 5} Z`} /> : <circle cx={cx} cy={cy} r={4.5} />}
              {sel && <circle className="ring" cx={cx} cy={cy} r={11} />}
              {labelled.has(i.itemId) && (
                <text className="point-label" x={cx + 9} y={cy - 6}>
                  {i.itemId}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption className="muted">
        Shaded: inside every threshold. <span aria-hidden="true">▲</span> flagged item, <span aria-hidden="true">●</span> not flagged. Click a point to open the item; the table below does the same from the keyboard.
      </figcaption>
    </figure>
  );
}

/** Share of candidates choosing each option (and omitting). All candidates together: the analysis does not split by score group. */
export function OptionShareChart({ item }: { item: ItemAnalysis }) {
  const titleId = useId();
  const rows = [...item.options.map((o) => ({ label: o.optionId, key: o.isKey, share: o.share ?? 0, count: o.count })), ...(item.omitShare !== null ? [{ label: 'Omitted', key: false, share: item.omitShare, count: Math.round(item.omitShare * item.n) }] : [])];
  const W = 420;
  const rowH = 28;
  const labelW = 92;
  const valueW = 92;
  const H = rows.length * rowH + 8;
  const bar = scale(0, 1, 0, W - labelW - valueW);
  const alt = `Share of the ${item.n} candidates choosing each option of ${item.itemId}: ${rows.map((r) => `${r.label}${r.key ? ' (key)' : ''} ${pct(r.share)}`).join(', ')}.`;
  return (
    <figure className="author-figure">
      <svg className="author-bars" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={titleId}>
        <title id={titleId}>{alt}</title>
        {rows.map((r, i) => (
          <g key={r.label} transform={`translate(0 ${i * rowH + 4})`}>
            <text className="bar-label" x={labelW - 8} y={rowH / 2 + 1} textAnchor="end">
              {r.label}
              {r.key ? ' ✓ key' : ''}
            </text>
            <rect className="bar-track" x={labelW} y={5} width={bar(1)} height={rowH - 10} />
            <rect className={r.key ? 'bar key' : r.label === 'Omitted' ? 'bar omit' : 'bar'} x={labelW} y={5} width={Math.max(r.share > 0 ? 1 : 0, bar(r.share))} height={rowH - 10} />
            <text className="bar-value" x={labelW + bar(1) + 8} y={rowH / 2 + 1}>
              {pct(r.share)} ({r.count})
            </text>
          </g>
        ))}
      </svg>
    </figure>
  );
}

export function ScoreHistogram({ form }: { form: FormAnalysis }) {
  const titleId = useId();
  const dist = form.distribution;
  if (dist.length === 0) return null;
  const W = 600;
  const H = 140;
  const m = { l: 8, r: 8, t: 8, b: 22 };
  const maxCount = Math.max(1, ...dist.map((d) => d.count));
  const bw = (W - m.l - m.r) / dist.length;
  const y = scale(0, maxCount, H - m.b, m.t);
  const scored = dist.filter((d) => d.count > 0);
  const lo = scored[0]?.score;
  const hi = scored[scored.length - 1]?.score;
  const step = Math.max(1, Math.ceil(dist.length / 12));
  return (
    <figure className="author-figure">
      <svg className="author-histogram" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={titleId}>
        <title id={titleId}>{`Total score distribution of ${form.candidates} candidate${form.candidates === 1 ? '' : 's'}: scores from ${lo ?? '—'} to ${hi ?? '—'}, mean ${fmt(form.mean, 1)}.`}</title>
        {dist.map((d, i) => (
          <g key={d.score}>
            {d.count > 0 && <rect className="bar" x={m.l + i * bw + 0.5} y={y(d.count)} width={Math.max(1, bw - 1)} height={H - m.b - y(d.count)} />}
            {i % step === 0 && (
              <text className="tick" x={m.l + i * bw + bw / 2} y={H - 6} textAnchor="middle">
                {d.score}
              </text>
            )}
          </g>
        ))}
        <line className="grid zero" x1={m.l} x2={W - m.r} y1={H - m.b} y2={H - m.b} />
      </svg>
      <figcaption className="muted">Candidates per total score (number correct).</figcaption>
    </figure>
  );
}
