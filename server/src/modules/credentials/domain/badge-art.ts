/**
 * The badge image of each achievement: a 512 x 512 seal in the module's colour with its name, as SVG (the PNG badges
 * in server/assets/badges are this SVG rendered by scripts/render-badge-images.ts). Pure.
 */
import { MODULE_TITLES } from '../../scoring/domain/credentials.ts';
import type { AchievementCode } from './open-badge.ts';

export const BADGE_COLORS: Record<AchievementCode, { ring: string; field: string }> = {
  SAF: { ring: '#b3261e', field: '#fdf1ef' },
  QPM: { ring: '#1d4f91', field: '#eef3fb' },
  MPP: { ring: '#6b3fa0', field: '#f4effa' },
  MA: { ring: '#8a5a00', field: '#fbf4e6' },
  GRN: { ring: '#2e6b30', field: '#eef7ee' },
  CPT: { ring: '#0b2545', field: '#f3f6fa' },
};

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Splits a title into at most three lines of about `width` characters. */
export function wrapTitle(title: string, width = 14): string[] {
  const lines: string[] = [];
  for (const word of title.split(/\s+/)) {
    const last = lines.at(-1);
    if (last !== undefined && (last + ' ' + word).length <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines.length > 3 ? [...lines.slice(0, 2), lines.slice(2).join(' ')] : lines;
}

export function badgeSvg(code: AchievementCode): string {
  const { ring, field } = BADGE_COLORS[code];
  const title = code === 'CPT' ? 'Certified Production Technician' : MODULE_TITLES[code];
  const lines = wrapTitle(title);
  const top = 262 - (lines.length - 1) * 21;
  const text = lines.map((l, i) => `<tspan x="256" y="${top + i * 42}">${esc(l)}</tspan>`).join('');
  const ticks = Array.from({ length: 36 }, (_, i) => {
    const a = (i * Math.PI * 2) / 36;
    const [x1, y1, x2, y2] = [256 + Math.cos(a) * 226, 256 + Math.sin(a) * 226, 256 + Math.cos(a) * 240, 256 + Math.sin(a) * 240].map((n) => n.toFixed(1));
    return `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}"/>`;
  }).join('');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512" width="512" height="512" role="img" aria-labelledby="t">`,
    `<title id="t">${esc(code === 'CPT' ? 'CPT credential badge' : `CPT ${title} module badge`)}</title>`,
    `<circle cx="256" cy="256" r="248" fill="${ring}"/>`,
    `<g stroke="${field}" stroke-width="4">${ticks}</g>`,
    `<circle cx="256" cy="256" r="206" fill="${field}"/>`,
    `<circle cx="256" cy="256" r="192" fill="none" stroke="${ring}" stroke-width="3"/>`,
    `<text x="256" y="150" text-anchor="middle" font-family="Liberation Sans, Arial, Helvetica, sans-serif" font-weight="700" font-size="64" fill="${ring}">CPT</text>`,
    `<text text-anchor="middle" font-family="Liberation Sans, Arial, Helvetica, sans-serif" font-weight="700" font-size="36" fill="#1b1b1b">${text}</text>`,
    `<text x="256" y="388" text-anchor="middle" font-family="Liberation Sans, Arial, Helvetica, sans-serif" font-size="20" letter-spacing="3" fill="${ring}">${code === 'CPT' ? 'CPT 4.0' : 'MODULE CERTIFICATE'}</text>`,
    '</svg>',
    '',
  ].join('\n');
}
