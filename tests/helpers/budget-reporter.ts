/**
 * Vitest reporter that records each test's duration and its timeout in test-results/budgets-vitest.json, so
 * scripts/test-budgets.mjs can check every test's timeout against its time on a busy machine (#15.9).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Reporter, TestCase, Vitest } from 'vitest/node';

export interface BudgetRow {
  file: string;
  name: string;
  ms: number;
  timeoutMs: number;
}

export default class BudgetReporter implements Reporter {
  private rows: BudgetRow[] = [];
  private root = process.cwd();
  private defaultTimeout = 5_000;

  onInit(vitest: Vitest): void {
    this.root = vitest.config.root;
    this.defaultTimeout = vitest.config.testTimeout;
  }

  onTestCaseResult(test: TestCase): void {
    const d = test.diagnostic();
    if (!d || test.result().state !== 'passed') return;
    const file = path.relative(this.root, test.module.moduleId);
    this.rows.push({ file, name: test.fullName, ms: Math.round(d.duration), timeoutMs: test.options.timeout ?? this.defaultTimeout });
  }

  onTestRunEnd(): void {
    const dir = path.join(this.root, 'test-results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'budgets-vitest.json'), JSON.stringify(this.rows, null, 1));
  }
}
