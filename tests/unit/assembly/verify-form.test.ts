import { describe, expect, it } from 'vitest';
import { assembleForm } from '../../../server/src/modules/assembly/domain/assemble-form.ts';
import type { AssemblyRequest, FormItem } from '../../../server/src/modules/assembly/domain/assembly-types.ts';
import { verifyForm } from '../../../server/src/modules/assembly/domain/verify-form.ts';
import { safetyShapeBank } from './assembly-fixtures.ts';

function setup(): { req: AssemblyRequest; items: FormItem[] } {
  const req = safetyShapeBank('verify');
  const r = assembleForm(req);
  if (!r.ok) throw new Error(r.infeasibility.message);
  return { req, items: r.form.items };
}

const failed = (items: FormItem[], req: AssemblyRequest) =>
  verifyForm({ items }, req)
    .filter((c) => !c.met)
    .map((c) => c.id);

describe('verifyForm', () => {
  it('certifies an assembled form with every hard constraint, required and achieved', () => {
    const { req, items } = setup();
    const checks = verifyForm({ items }, req);
    expect(checks.every((c) => c.met)).toBe(true);
    expect(checks.map((c) => c.id)).toEqual([
      'form-length',
      'scored-count',
      'pretest-count',
      ...Object.keys(req.blueprint.kwaCounts).map((k) => `kwa:${k}`),
      'items-in-pool',
      'scored-operational',
      'pretest-status',
      'no-duplicates',
      'enemies',
      'option-order',
      'pretest-not-at-ends',
      'pretest-spread',
    ]);
    expect(checks.find((c) => c.id === 'kwa:SAF-04')).toEqual({ id: 'kwa:SAF-04', description: 'Scored items in KWA SAF-04', required: '12', achieved: '12', met: true });
  });

  it('catches an enemy pair', () => {
    const { req, items } = setup();
    const onForm = new Set(items.map((f) => f.itemId));
    // An item on the form and its enemy-mate, which a valid form cannot hold.
    const a = req.items.find((it) => onForm.has(it.id) && it.enemyGroupIds.length > 0)!;
    const b = req.items.find((it) => it.id !== a.id && it.enemyGroupIds.some((g) => a.enemyGroupIds.includes(g)))!;
    expect(onForm.has(b.id)).toBe(false);
    const at = items.findIndex((f) => f.kwa === b.kwa && f.role === 'scored' && f.itemId !== a.id);
    const tampered = items.map((f, i) => (i === at ? { ...f, itemId: b.id, optionOrder: [...b.optionIds] } : f));
    expect(failed(tampered, req)).toEqual(['enemies']);
  });

  it('catches duplicates, wrong lengths, and a KWA count off by one', () => {
    const { req, items } = setup();
    const dup = items.map((f, i) => (i === 1 ? items[2]! : f));
    expect(failed(dup, req)).toEqual(expect.arrayContaining(['no-duplicates']));
    const firstScored = items.findIndex((f) => f.role === 'scored');
    const short = items.filter((_, i) => i !== firstScored);
    expect(failed(short, req)).toEqual(expect.arrayContaining(['form-length', 'scored-count']));
  });

  it('catches pretest items at the ends or bunched together', () => {
    const { req, items } = setup();
    const p = items.findIndex((f) => f.role === 'pretest');
    const first = [items[p]!, ...items.filter((_, i) => i !== p)];
    expect(failed(first, req)).toEqual(['pretest-not-at-ends', 'pretest-spread']);
    const scored = items.filter((f) => f.role === 'scored');
    const pretest = items.filter((f) => f.role === 'pretest');
    const bunched = [...scored.slice(0, 1), ...pretest, ...scored.slice(1)];
    expect(failed(bunched, req)).toEqual(['pretest-spread']);
  });

  it('catches a bad option order, an ineligible item, and a pretest item in a scored slot', () => {
    const { req, items } = setup();
    expect(failed(items.map((f, i) => (i === 0 ? { ...f, optionOrder: ['A', 'A', 'B', 'C'] } : f)), req)).toEqual(['option-order']);
    expect(failed(items.map((f, i) => (i === 0 ? { ...f, version: 9 } : f)), req)).toEqual(expect.arrayContaining(['items-in-pool']));
    const pretestItem = req.items.find((it) => it.status === 'pretest' && !items.some((f) => f.itemId === it.id))!;
    const s = items.findIndex((f) => f.role === 'scored' && f.kwa === pretestItem.kwa);
    expect(failed(items.map((f, i) => (i === s ? { ...f, itemId: pretestItem.id } : f)), req)).toContain('scored-operational');
  });

  it('checks the retaker limit against the request', () => {
    const { req, items } = setup();
    const seen = items.slice(0, 3).map((f) => f.itemId);
    expect(verifyForm({ items }, { ...req, previouslySeen: seen, maxOverlapWithSeen: 2 }).find((c) => c.id === 'retaker-overlap')).toEqual({
      id: 'retaker-overlap',
      description: 'Items this candidate saw on earlier forms',
      required: 'at most 2',
      achieved: '3',
      met: false,
    });
  });
});
