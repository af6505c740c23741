/**
 * Renders the badge SVGs (server/src/modules/credentials/domain/badge-art.ts) to the 512 x 512 PNGs that baked PNG
 * badges start from (server/assets/badges/<code>.png), with the system Chromium. Run after changing the badge art:
 *   node --import tsx scripts/render-badge-images.ts
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { badgeSvg } from '../server/src/modules/credentials/domain/badge-art.ts';
import { ACHIEVEMENT_CODES } from '../server/src/modules/credentials/domain/open-badge.ts';

const out = path.resolve(import.meta.dirname, '../server/assets/badges');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage({ viewport: { width: 512, height: 512 } });
for (const code of ACHIEVEMENT_CODES) {
  await page.setContent(`<html><body style="margin:0;background:transparent">${badgeSvg(code).replace(/^<\?xml[^>]*>\n/, '')}</body></html>`);
  writeFileSync(path.join(out, `${code}.png`), await page.locator('svg').screenshot({ omitBackground: true }));
  console.log(`${code}.png`);
}
await browser.close();
