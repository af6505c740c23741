/**
 * The author workspace, end to end in the browser: an author uploads a bank file with mistakes, sees every problem
 * with its file:line:column, pointer and offending line, uploads the corrected file, reads the dry-run diff, commits,
 * finds the new items, edits one into version 2 (and sees a server validation error next to its field), previews it
 * without the key, retires one; the coverage and item-analysis tabs render (an empty state for a module with no
 * sessions). A second test delivers four GRN sessions through the real API and websocket with a planted miskey, and
 * an admin finds the flag, dry-runs the rescore after the key correction and applies it. axe runs on every tab.
 */
import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import type { ExamClient } from '../helpers/exam-client.ts';
import { apiCall as call, apiLogin as login, openSitting } from './exam-helpers.ts';

const PASSWORD = 'demo-password-1';

interface SampleItem {
  id: string;
  module: string;
  kwa: string;
  status: string;
  stem: string;
  options: { id: string; text: string }[];
  key: string;
  rationale: string;
  topics: string[];
}

// Long flows with axe on every tab: the default minute is not enough on a shared machine (load average 15+).
test.describe.configure({ timeout: 240_000 });

/** Zero serious or critical axe violations, and a screenshot in test-results/screens/. */
async function checkScreen(page: Page, name: string) {
  await page.screenshot({ path: `test-results/screens/${name}.png`, fullPage: true });
  const axe = await new AxeBuilder({ page }).analyze();
  const bad = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`), `axe on ${name}`).toEqual([]);
}

async function signIn(page: Page, username: string) {
  const r = await page.request.post('/api/auth/login', { data: { username, password: PASSWORD } });
  expect(r.ok(), `login ${username}`).toBe(true);
}

/** New GRN items copied from the sample bank under fresh ids (fresh per run, so the suite also passes on a reused database). */
function newItems(stamp: string): SampleItem[] {
  const green = JSON.parse(readFileSync('item-bank/green.json', 'utf8')) as { items: SampleItem[] };
  return green.items.slice(0, 4).map((it, i) => ({ ...it, id: `GRN-T${stamp}-${i + 1}`, status: 'pretest', stem: `${it.stem.replace(/\?$/, '')} (trial ${stamp}-${i + 1})?` }));
}

test('an author fixes an upload from its dry-run problems, commits, finds, edits, previews and retires the new items', async ({ page }) => {
  const stamp = Date.now().toString(36).toUpperCase();
  const good = newItems(stamp);
  const bad = structuredClone(good);
  bad[0]!.key = 'E'; // not an option
  bad[1]!.kwa = 'GRN-12'; // not in the GRN catalog
  bad[2]!.options = bad[2]!.options.slice(0, 2); // too few options
  bad[3]!.topics = ['Not Kebab Case']; // malformed topic
  bad[3]!.rationale = ''; // empty
  const fileName = `grn-trial-${stamp}.json`;
  const file = (items: SampleItem[]) => ({ name: fileName, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ formatVersion: 1, items }, null, 2)) });

  await signIn(page, 'author');
  await page.goto('/author');
  await expect(page.getByRole('heading', { name: 'Author workspace', level: 1 })).toBeVisible();
  await expect(page.getByRole('tab', { name: 'Upload' })).toHaveAttribute('aria-selected', 'true');

  // 1. The file with mistakes: every problem, located, with its line.
  await page.getByLabel('Bank files').setInputFiles(file(bad));
  await expect(page.getByRole('heading', { name: /Dry run: \d+ problems/ })).toBeVisible();
  const problems = page.locator('.author-problem');
  const count = await problems.count();
  expect(count).toBeGreaterThanOrEqual(5);
  await expect(page.getByRole('heading', { name: `Dry run: ${count} problems` })).toBeVisible();
  for (let i = 0; i < count; i++) await expect(problems.nth(i).locator('.author-loc')).toHaveText(new RegExp(`^${fileName}:\\d+:\\d+$`));
  const keyProblem = problems.filter({ hasText: '/items/0/key' });
  await expect(keyProblem).toContainText('key "E" is not one of the options');
  await expect(keyProblem.locator('pre')).toContainText('"key": "E"');
  await expect(problems.filter({ hasText: '/items/1/kwa' })).toContainText('unknown KWA code GRN-12');
  await expect(problems.filter({ hasText: '/items/1/kwa' }).locator('pre')).toContainText('"kwa": "GRN-12"');
  await expect(problems.filter({ hasText: '/items/2/options' })).toContainText('3 to 5 options');
  await expect(problems.filter({ hasText: '/items/3/topics/0' })).toContainText('kebab-case');
  await expect(problems.filter({ hasText: '/items/3/rationale' })).toContainText('must not be empty');
  await expect(page.getByRole('button', { name: 'Commit to the bank' })).toHaveCount(0);
  await checkScreen(page, 'author-upload-problems');

  // 2. The corrected file (same name, chosen again): the diff, then commit.
  await page.getByLabel('Bank files').setInputFiles(file(good));
  await expect(page.getByRole('heading', { name: 'Dry run passed: the changes' })).toBeVisible();
  await expect(page.locator('.author-counts > div').filter({ hasText: 'New items' }).locator('dd')).toHaveText('4');
  await expect(page.locator('.author-counts > div').filter({ hasText: 'Changed items' }).locator('dd')).toHaveText('0');
  const diffRows = page.locator('table.author-table tbody tr');
  await expect(diffRows).toHaveCount(4);
  await page.getByLabel('Unchanged (0)').check();
  await expect(diffRows).toHaveText(['No items of this kind.']);
  await page.getByLabel('New (4)').check();
  await expect(diffRows).toHaveCount(4);
  await expect(diffRows.first()).toContainText(`GRN-T${stamp}-1`);
  await expect(diffRows.first()).toContainText('version 1');
  await checkScreen(page, 'author-upload-diff');
  await page.getByRole('button', { name: 'Commit to the bank' }).click();
  await expect(page.getByRole('heading', { name: 'Committed' })).toBeVisible();
  await expect(page.locator('.banner', { hasText: /Committed as bank revision \d+/ })).toBeFocused();

  // 3. The new items in the Items tab (an author's imports land as drafts, for review): filter by status and search.
  await page.getByRole('button', { name: 'Open the Items tab' }).click();
  await expect(page.getByRole('tab', { name: 'Items' })).toHaveAttribute('aria-selected', 'true');
  await expect(page).toHaveURL(/\?tab=items/);
  const itemsPanel = page.getByRole('tabpanel', { name: 'Items' });
  await itemsPanel.getByLabel('Module').selectOption('GRN');
  await itemsPanel.getByLabel('Status').selectOption('draft');
  await itemsPanel.getByLabel('Search').fill(`T${stamp}`);
  const rows = itemsPanel.locator('table.author-items tbody tr');
  await expect(rows).toHaveCount(4);
  await expect(rows.first()).toContainText('draft');
  await expect(rows.first().locator('td').nth(2)).toHaveText('1');

  // 4. Open one, see the key and rationale; edit it (a server error next to its field first), save as version 2.
  const id = `GRN-T${stamp}-1`;
  await itemsPanel.getByRole('button', { name: id, exact: true }).click();
  const detail = page.getByRole('region', { name: new RegExp(id) });
  await expect(detail.getByRole('heading', { name: new RegExp(`${id} · version 1`) })).toBeFocused();
  await expect(detail.locator('.author-options li.is-key')).toContainText('Key');
  await expect(detail.getByRole('heading', { name: 'Rationale' })).toBeVisible();
  await detail.getByRole('button', { name: 'Edit' }).click();
  await expect(detail.getByText('Delivered versions never change.')).toBeVisible();
  await detail.getByLabel('Topics').fill('sustainability, bad_topic');
  await expect(detail.getByText('Saving makes version 2.')).toBeVisible();
  await detail.getByRole('button', { name: 'Save' }).click();
  await expect(detail.locator('.author-error-summary')).toBeFocused();
  await expect(detail.getByLabel('Topics')).toHaveAttribute('aria-invalid', 'true');
  await expect(detail.locator('.author-field').filter({ has: page.getByLabel('Topics') }).locator('.author-field-error')).toContainText('kebab-case');
  await detail.getByLabel('Topics').fill('sustainability, trial-run');
  const newStem = `Which benefit is most direct when a plant cuts its electricity use (edited ${stamp})?`;
  await detail.getByLabel('Stem', { exact: true }).fill(newStem);
  await checkScreen(page, 'author-item-edit');
  await detail.getByRole('button', { name: 'Save' }).click();
  await expect(detail.getByTestId('item-notice')).toContainText('Saved as version 2');
  await expect(detail.getByTestId('item-notice')).toBeFocused();
  await expect(detail.getByRole('heading', { name: new RegExp(`${id} · version 2`) })).toBeVisible();
  await expect(rows.filter({ hasText: id }).locator('td').nth(2)).toHaveText('2');
  await expect(detail.locator('.author-stem')).toHaveText(newStem);
  await checkScreen(page, 'author-items');

  // 5. Preview: the exam's fieldset with radio options, no key, focus kept in the dialog and given back.
  await detail.getByRole('button', { name: 'Preview as candidate' }).click();
  const dialog = page.getByRole('dialog', { name: `Preview of ${id}` });
  await expect(dialog).toBeVisible();
  const group = dialog.getByRole('group', { name: newStem });
  await expect(group.getByRole('radio')).toHaveCount(4);
  await expect(group.locator('.option.checked')).toHaveCount(0);
  await expect(dialog.getByText('Key', { exact: true })).toHaveCount(0);
  await expect(dialog.locator('.is-key, .author-key-tag')).toHaveCount(0);
  await expect(dialog.getByRole('button', { name: 'Close preview' })).toBeFocused();
  await checkScreen(page, 'author-preview');
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(detail.getByRole('button', { name: 'Preview as candidate' })).toBeFocused();

  // 6. Retire another new item, after a confirmation.
  const other = `GRN-T${stamp}-4`;
  await itemsPanel.getByRole('button', { name: other, exact: true }).click();
  const otherDetail = page.getByRole('region', { name: new RegExp(other) });
  await otherDetail.getByRole('button', { name: 'Retire…' }).click();
  const confirm = page.getByRole('alertdialog', { name: `Retire ${other}?` });
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await confirm.getByRole('button', { name: 'Retire item' }).click();
  await expect(otherDetail.getByTestId('item-notice')).toContainText(`${other} is retired`);
  await expect(rows).toHaveCount(3); // the list shows draft items only
  await expect(otherDetail.locator('.author-status')).toHaveText('retired');

  // 7. Coverage.
  await page.getByRole('tab', { name: 'Coverage' }).click();
  const coverage = page.getByRole('tabpanel', { name: 'Coverage' });
  await expect(coverage.getByRole('heading', { name: /GRN · blueprint/ })).toBeVisible();
  const grn01 = coverage.getByRole('table', { name: /GRN coverage/ }).getByRole('row', { name: /GRN-01/ });
  await expect(grn01.getByRole('cell').first()).toHaveText('8');
  await checkScreen(page, 'author-coverage');

  // 8. Item analysis for a module nobody has sat: the empty state. Tabs move with the arrow keys.
  await page.getByRole('tab', { name: 'Coverage' }).focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'Item analysis' })).toBeFocused();
  await expect(page.getByRole('tab', { name: 'Item analysis' })).toHaveAttribute('aria-selected', 'true');
  const analysis = page.getByRole('tabpanel', { name: 'Item analysis' });
  await analysis.getByLabel('Module').selectOption('MA');
  await expect(analysis.getByTestId('analysis-empty')).toContainText('No delivered sessions for MA yet');
  await checkScreen(page, 'author-analysis-empty');
});

test('a QTI upload reports an unsupported interaction as a problem, and lists it as skipped in lenient mode', async ({ page }) => {
  const qti = (path: string) => ({ name: path.split('/').pop()!, mimeType: 'application/xml', buffer: readFileSync(`tests/fixtures/qti/${path}`) });
  await signIn(page, 'author');
  await page.goto('/author');
  await page.getByLabel('Bank files').setInputFiles([qti('moodle-qti21-item.xml'), qti('bad/interactions/text-entry.xml')]);
  await expect(page.getByRole('list', { name: 'Chosen files' })).toContainText('QTI item (XML)');
  await expect(page.getByRole('heading', { name: 'Dry run: 1 problem' })).toBeVisible();
  const problem = page.locator('.author-problem');
  await expect(problem.locator('.author-loc')).toHaveText(/^text-entry\.xml:\d+:\d+$/);
  await expect(problem).toContainText('textEntryInteraction is not supported');
  await expect(problem.locator('pre')).toContainText('textEntryInteraction');

  await page.getByLabel(/Lenient mode/).check();
  await expect(page.getByRole('heading', { name: 'Dry run passed: the changes' })).toBeVisible();
  await expect(page.locator('.author-counts > div').filter({ hasText: 'New items' }).locator('dd')).toHaveText('1');
  const skipped = page.getByRole('table', { name: /Skipped/ });
  await expect(skipped.getByRole('row')).toHaveCount(2);
  await expect(skipped).toContainText('text-entry.xml');
  await expect(skipped).toContainText('not supported');
  await checkScreen(page, 'author-upload-qti-lenient');
});

// ---------------------------------------------------------------------------------------------------------------------


test('an admin sees a planted miskey in the item analysis, dry-runs the rescore after the key correction, and applies it', async ({ page }) => {
  const admin = await login('admin', PASSWORD);
  const proctor = await login('proctor', PASSWORD);
  const author = await login('author', PASSWORD);
  const bank = await call<{ id: string; status: string; content: { key: string; options: { id: string }[]; topics: string[] } }[]>(author, 'GET', '/api/bank/items?module=GRN');
  const byId = new Map(bank.map((i) => [i.id, i]));
  const centers = await call<{ id: string; code: string }[]>(proctor, 'GET', '/api/test-centers');
  const center = centers.find((c) => c.code === 'DEMO-01') ?? centers[0]!;

  // Four candidates of falling ability, each with a started GRN session and an open exam socket.
  const sittings: { client: ExamClient; items: string[] }[] = [];
  for (let k = 0; k < 4; k++) {
    const { client, snapshot: snap } = await openSitting({ admin, proctor }, center, { username: `e2e-analysis-${Date.now().toString(36)}-${k}`, displayName: `Analysis Candidate ${k + 1}` }, 'GRN');
    sittings.push({ client, items: snap.items.map((i) => i.itemId) });
  }
  // The planted miskey: an operational (scored) item on three of the four forms (assembly keeps exposure low, so no item
  // is on all four). The two strongest candidates who see it choose the distractor W; the weakest chooses the key.
  const onForms = (id: string) => sittings.filter((s) => s.items.includes(id)).length;
  const target = sittings[0]!.items.find((id) => byId.get(id)?.status === 'operational' && onForms(id) >= 3) ?? '';
  expect(target, 'an operational item on three of the four forms').not.toBe('');
  const seen = sittings.filter((s) => s.items.includes(target));
  const key = byId.get(target)!.content.key;
  const wrong = (id: string) => byId.get(id)!.content.options.find((o) => o.id !== byId.get(id)!.content.key)!.id;
  const W = wrong(target);
  const shares = [0.95, 0.75, 0.35, 0.1];
  await Promise.all(
    sittings.map(async (sitting, k) => {
      const { client, items } = sitting;
      const others = items.filter((id) => id !== target);
      const nRight = Math.round(others.length * shares[k]!);
      await Promise.all(others.map((id, i) => client.answer(id, i < nRight ? byId.get(id)!.content.key : wrong(id))));
      if (seen.includes(sitting)) await client.answer(target, seen.indexOf(sitting) < 2 ? W : key);
      await client.request({ type: 'submit' });
      await client.waitFor('result-ready', () => true, 20_000);
      client.close();
    }),
  );
  const n = seen.length;

  await signIn(page, 'admin');
  await page.goto('/author?tab=analysis');
  const analysis = page.getByRole('tabpanel', { name: 'Item analysis' });
  await analysis.getByLabel('Module').selectOption('GRN');
  await expect(analysis.getByRole('heading', { name: 'GRN: 4 scored sessions' })).toBeVisible();
  await expect(analysis.getByRole('img', { name: /Difficulty against discrimination/ })).toBeVisible();
  const table = analysis.getByRole('table', { name: /Item statistics for GRN/ });
  const targetRow = table.getByRole('row', { name: new RegExp(`^${target}\\b`) });
  await expect(targetRow).toContainText('Probable miskey');
  await expect(analysis.getByRole('columnheader', { name: 'Role' })).toBeVisible();
  await expect(table.getByRole('row').filter({ hasText: 'pretest' }).first()).toBeVisible();
  // Exposure: 4 candidates, so every delivered item is above the 0.25 default and over-exposed.
  await expect(table.getByRole('columnheader', { name: 'Seen by' })).toBeVisible();
  await expect(table.getByRole('columnheader', { name: 'Forms' })).toBeVisible();
  await expect(targetRow).toContainText('Over-exposed');

  // Sorting by p is announced through aria-sort.
  const pButton = table.getByRole('button', { name: 'p', exact: true });
  const pHeader = table.getByRole('columnheader', { name: 'p', exact: true });
  await pButton.click();
  await expect(pHeader).toHaveAttribute('aria-sort', 'descending');
  await pButton.click();
  await expect(pHeader).toHaveAttribute('aria-sort', 'ascending');

  // Thresholds: the server re-flags with the new values.
  await analysis.getByLabel('p minimum').fill('0.5');
  await analysis.getByRole('button', { name: 'Apply thresholds' }).click();
  await expect(analysis.locator('.threshold-label').first()).toHaveText('p min 0.50');
  await analysis.getByRole('button', { name: 'Reset to defaults' }).click();
  await expect(analysis.locator('.threshold-label').first()).toHaveText('p min 0.20');

  await targetRow.getByRole('button', { name: target, exact: true }).click();
  const panel = analysis.getByRole('region', { name: new RegExp(target) });
  await expect(panel.getByRole('heading', { name: new RegExp(target), level: 3 })).toBeFocused();
  await expect(panel.getByRole('table', { name: new RegExp(`Options of ${target}`) }).getByRole('row')).toHaveCount(byId.get(target)!.content.options.length + 2);
  await expect(panel.getByRole('img', { name: new RegExp(`Share of the ${n} candidates choosing each option of ${target}`) })).toBeVisible();
  await expect(panel.getByText('Choice by score group (lower, middle and upper thirds) is not available')).toBeVisible();
  // The suggestion names the statistics behind it: over-exposure, and the distractor high scorers prefer to the key.
  const suggestion = panel.getByRole('region', { name: 'Suggestion: retire the item' });
  await expect(suggestion).toContainText(/over exposed \(exposureRate [\d.]+, threshold 0\.25/);
  await expect(suggestion).toContainText('distractor beats key');
  await checkScreen(page, 'author-analysis');

  // Before the key is corrected, a dry run changes nothing; after the correction (by the author, through the API), it does.
  await panel.getByLabel('Reason for rescoring').fill(`Key of ${target} corrected to ${W} after review`);
  await panel.getByRole('button', { name: 'Rescore (dry run)' }).click();
  await expect(panel.getByTestId('rescore-result')).toContainText(`${n} sessions checked with the key of version 1; 0 scores would change`);
  const corrected = await call<{ version: number }>(author, 'PUT', `/api/bank/items/${target}`, { key: W, topics: byId.get(target)!.content.topics });
  expect(corrected.version).toBe(2);
  await panel.getByRole('button', { name: 'Rescore (dry run)' }).click();
  await expect(panel.getByTestId('rescore-result')).toContainText(`with the key of version 2; ${n} scores would change`);
  await expect(panel.getByTestId('rescore-result')).toBeFocused();
  await expect(panel.getByRole('table', { name: 'Score changes of the rescore' }).getByRole('row')).toHaveCount(n + 1);
  await panel.getByRole('button', { name: 'Apply rescore' }).click();
  const confirm = page.getByRole('alertdialog', { name: `Apply the rescore of ${target}?` });
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await checkScreen(page, 'author-rescore-confirm');
  await confirm.getByRole('button', { name: 'Apply rescore' }).click();
  await expect(panel.getByTestId('rescore-result')).toContainText(`Applied: ${n} sessions checked with the key of version 2; ${n} scores changed`);

  // An author sees the same flag, and is told that an admin rescores.
  await page.context().clearCookies();
  await signIn(page, 'author');
  await page.goto('/author?tab=analysis');
  await analysis.getByLabel('Module').selectOption('GRN');
  await analysis.getByRole('table', { name: /Item statistics for GRN/ }).getByRole('button', { name: target, exact: true }).click();
  await expect(analysis.getByText(`Only an admin can rescore. Once the key is corrected, ask an admin to rescore ${target}`)).toBeVisible();
  await expect(analysis.getByRole('button', { name: 'Rescore (dry run)' })).toHaveCount(0);
  await analysis.getByRole('button', { name: 'Open in Items' }).click();
  await expect(page.getByRole('tab', { name: 'Items' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('region', { name: new RegExp(`${target} · version 2`) })).toBeVisible();
});
