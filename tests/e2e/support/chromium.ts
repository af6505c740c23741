import { existsSync } from 'node:fs';

/** The system Chromium (Debian's `chromium` package); Playwright's own browser downloads are not used. */
export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/lib/chromium/chromium', '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  const found = candidates.find((p): p is string => !!p && existsSync(p));
  if (!found) throw new Error('Chromium not found: install Debian\'s chromium package or set CHROMIUM_PATH');
  return found;
}

/** No background networking: this machine's network is closed, and the tests must not depend on it. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The browser tests' server port: `E2E_PORT` lets two checkouts run their browser tests at once. */
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3197);
export const E2E_BASE = `http://127.0.0.1:${E2E_PORT}`;
