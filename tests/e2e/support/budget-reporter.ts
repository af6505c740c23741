/**
 * Playwright reporter that records each browser test's duration and its timeout (after test.setTimeout and
 * test.slow) in test-results/budgets-playwright.json, for scripts/test-budgets.mjs (#15.9).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Reporter, TestCase, TestResult } from '@playwright/test/reporter';

export default class BudgetReporter implements Reporter {
  private rows: { file: string; name: string; ms: number; timeoutMs: number }[] = [];
  // `npm test` and `npx playwright test` run from the project root.
  private root = process.cwd();

  onTestEnd(test: TestCase, result: TestResult): void {
    if (result.status !== 'passed') return;
    const file = path.relative(this.root, test.location.file);
    this.rows.push({ file, name: test.titlePath().filter(Boolean).slice(1).join(' > '), ms: Math.round(result.duration), timeoutMs: test.timeout });
  }

  onEnd(): void {
    const dir = path.join(this.root, 'test-results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'budgets-playwright.json'), JSON.stringify(this.rows, null, 1));
  }
}
