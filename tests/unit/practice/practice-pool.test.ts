/**
 * The practice pool never meets the exam pool (#21.1): over many seeds no assembled form holds a practice item (both
 * through the service's pool and when one is handed to the pure assembler directly), and a practice test holds only
 * practice items, spread over the KWAs, reproducibly.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bankFileSchema, type Item } from '../../../shared/item-bank-format.ts';
import { assembleForm } from '../../../server/src/modules/assembly/domain/assemble-form.ts';
import type { AssemblyItem } from '../../../server/src/modules/assembly/domain/assembly-types.ts';
import { assemblyPool } from '../../../server/src/modules/assembly/assembly.service.ts';
import type { BankSnapshot, SnapshotItem } from '../../../server/src/modules/item-bank/domain/bank-snapshot.ts';
import { drawPracticeTest, isTimeUp, practiceTimeLimitMs, reviewOf, scorePractice, type PracticePoolItem } from '../../../server/src/modules/practice/domain/practice-test.ts';

const file = bankFileSchema.parse(JSON.parse(readFileSync('item-bank/safety.json', 'utf8')));
const blueprint = file.blueprints[0]!;
const kwas = Object.keys(blueprint.kwaCounts);

function practiceItem(n: number, kwa: string): Item {
  return {
    id: `SAF-P${String(n).padStart(3, '0')}`,
    module: 'SAF',
    kwa,
    status: 'practice',
    stem: `Practice question ${n}?`,
    options: ['A', 'B', 'C', 'D'].map((id) => ({ id: id as 'A', text: `option ${id} of ${n}` })),
    key: 'C',
    rationale: `Because of reason ${n}.`,
    topics: [],
  };
}

function snapshotWith(practice: Item[]): BankSnapshot {
  const items = new Map<string, SnapshotItem>();
  for (const it of [...file.items, ...practice]) {
    items.set(it.id, { id: it.id, module: it.module, status: it.status, version: 1, content: { kwa: it.kwa, stem: it.stem, options: it.options, key: it.key, rationale: it.rationale, topics: it.topics }, stats: it.stats ?? null });
  }
  return { modules: new Map(), blueprints: [blueprint], items, enemyGroups: new Map(file.enemyGroups.map((g) => [g.id, g])) };
}

const request = (pool: ReturnType<typeof assemblyPool>, seed: string) => ({ ...pool, blueprint: { module: 'SAF', version: blueprint.version, formLength: blueprint.formLength, pretestCount: blueprint.pretestCount, kwaCounts: blueprint.kwaCounts }, seed });

describe('the practice pool never reaches an exam form', () => {
  it('over many seeds and practice pools, every assembled form holds only operational and pretest items', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 12 }), fc.array(fc.integer({ min: 0, max: kwas.length - 1 }), { minLength: 1, maxLength: 60 }), (seed, kwaPicks) => {
        const practice = kwaPicks.map((k, i) => practiceItem(i + 1, kwas[k]!));
        const snapshot = snapshotWith(practice);
        const pool = assemblyPool(snapshot, 'SAF');
        expect(pool.items.some((i) => i.id.startsWith('SAF-P'))).toBe(false);
        const r = assembleForm(request(pool, seed));
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        for (const f of r.form.items) expect(['operational', 'pretest']).toContain(snapshot.items.get(f.itemId)!.status);
      }),
      { numRuns: 60 },
    );
  });

  it('the pure assembler refuses a practice item even when a caller hands it one', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 12 }), (seed) => {
        const snapshot = snapshotWith(kwas.flatMap((k, i) => [practiceItem(2 * i + 1, k), practiceItem(2 * i + 2, k)]));
        const pool = assemblyPool(snapshot, 'SAF');
        const smuggled: AssemblyItem[] = [...snapshot.items.values()]
          .filter((it) => it.status === 'practice')
          .map((it) => ({ id: it.id, version: 1, kwa: it.content.kwa, status: it.status as 'operational', optionIds: ['A', 'B', 'C', 'D'], enemyGroupIds: [] }));
        const r = assembleForm(request({ items: [...smuggled, ...pool.items], excluded: pool.excluded }, seed));
        expect(r.ok).toBe(true);
        if (r.ok) expect(r.form.items.filter((f) => f.itemId.startsWith('SAF-P'))).toEqual([]);
      }),
      { numRuns: 25 },
    );
  });
});

describe('the sample banks: each module\'s shipped practice pool stays out of its exam forms', () => {
  // The pictured items (one practice item among them, SAF-Q20) sit in diagrams.json, beside their modules' files.
  const diagrams = bankFileSchema.parse(JSON.parse(readFileSync('item-bank/diagrams.json', 'utf8'))).items;
  for (const name of ['safety', 'quality', 'production', 'maintenance', 'green']) {
    const file = bankFileSchema.parse(JSON.parse(readFileSync(`item-bank/${name}.json`, 'utf8')));
    const bp = file.blueprints[0]!;
    const module = file.modules[0]!.code;
    const bank = { ...file, items: [...file.items, ...diagrams.filter((i) => i.module === module)] };
    const snapshot: BankSnapshot = {
      modules: new Map(),
      blueprints: [bp],
      items: new Map(bank.items.map((it) => [it.id, { id: it.id, module: it.module, status: it.status, version: 1, content: { kwa: it.kwa, stem: it.stem, options: it.options, key: it.key, rationale: it.rationale, topics: it.topics }, stats: it.stats ?? null }])),
      enemyGroups: new Map(bank.enemyGroups.map((g) => [g.id, g])),
    };
    const practiceIds = new Set(bank.items.filter((i) => i.status === 'practice').map((i) => i.id));
    it(`${module}: 25 practice items; over many seeds no form holds one and every practice test holds only them`, () => {
      expect(practiceIds.size).toBe(25);
      const pool = assemblyPool(snapshot, module);
      expect(pool.items.filter((i) => practiceIds.has(i.id))).toEqual([]);
      const practicePool: PracticePoolItem[] = bank.items.map((i) => ({ id: i.id, version: 1, kwa: i.kwa, status: i.status as PracticePoolItem['status'], optionIds: i.options.map((o) => o.id) }));
      fc.assert(
        fc.property(fc.string({ minLength: 1, maxLength: 12 }), (seed) => {
          const r = assembleForm({ ...pool, blueprint: { module, version: bp.version, formLength: bp.formLength, pretestCount: bp.pretestCount, kwaCounts: bp.kwaCounts }, seed });
          expect(r.ok).toBe(true);
          if (r.ok) expect(r.form.items.filter((f) => practiceIds.has(f.itemId))).toEqual([]);
          const drawn = drawPracticeTest(practicePool, seed);
          expect(drawn).toHaveLength(25);
          expect(drawn.every((d) => practiceIds.has(d.itemId))).toBe(true);
        }),
        { numRuns: 15 },
      );
    });
  }
});

describe('drawing a practice test', () => {
  const poolItem = (id: string, kwa: string, status: PracticePoolItem['status'] = 'practice'): PracticePoolItem => ({ id, version: 1, kwa, status, optionIds: ['A', 'B', 'C', 'D'] });

  it('holds only practice items, each once, spread over every KWA, the same for the same seed', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 10 }),
        fc.array(fc.record({ kwa: fc.integer({ min: 0, max: 9 }), status: fc.constantFrom('practice', 'practice', 'operational', 'pretest', 'retired', 'draft') }), { maxLength: 80 }),
        (seed, spec) => {
          const pool = spec.map((s, i) => poolItem(`I-${i}`, `K-${s.kwa}`, s.status as PracticePoolItem['status']));
          const practice = pool.filter((p) => p.status === 'practice');
          const test = drawPracticeTest(pool, seed);
          expect(test.length).toBe(Math.min(25, practice.length));
          expect(new Set(test.map((t) => t.itemId)).size).toBe(test.length);
          for (const t of test) {
            expect(practice.map((p) => p.id)).toContain(t.itemId);
            expect([...t.optionOrder].sort()).toEqual(['A', 'B', 'C', 'D']);
          }
          const kwasInPool = new Set(practice.map((p) => p.kwa));
          if (test.length >= kwasInPool.size) expect(new Set(test.map((t) => t.kwa))).toEqual(kwasInPool);
          expect(drawPracticeTest([...pool].reverse(), seed)).toEqual(test);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('scales the exam time to the test length and scores with the exam formula', () => {
    expect(practiceTimeLimitMs({ timeLimitMinutes: 90, formLength: 86 }, 25)).toBe(27 * 60_000);
    expect(practiceTimeLimitMs({ timeLimitMinutes: 90, formLength: 86 }, 0)).toBe(60_000);
    expect(isTimeUp(null, new Date(8e12))).toBe(false);
    expect(isTimeUp(new Date(1000), new Date(1500), 1000)).toBe(false);
    expect(isTimeUp(new Date(1000), new Date(2001), 1000)).toBe(true);
    const items = [1, 2, 3, 4].map((n) => ({ itemId: `P${n}`, version: 1, kwa: 'K-1', optionOrder: ['A', 'B', 'C'] }));
    const r = scorePractice({ items, keys: new Map(items.map((i) => [i.itemId, 'B'])), answers: { P1: 'B', P2: 'B', P3: 'A' }, cutScore: { percent: 75, rounding: 'ceil' }, kwaTitles: { 'K-1': 'One' }, endReason: 'submitted' });
    expect([r.rawScore, r.scoredItems, r.rawCut, r.passed, r.percent]).toEqual([2, 4, 3, false, 50]);
    const contents = new Map(items.map((i) => [`${i.itemId}@1`, { stem: `Stem ${i.itemId}`, options: ['A', 'B', 'C'].map((id) => ({ id: id as 'A', text: id.toLowerCase() })), key: 'B', rationale: `Why ${i.itemId}` }]));
    const review = reviewOf(items, contents, { P1: 'B', P3: 'A' }, { 'K-1': 'One' });
    expect(review.map((x) => [x.position, x.chosen, x.correct, x.key, x.rationale, x.kwaTitle])).toEqual([
      [1, 'B', true, 'B', 'Why P1', 'One'],
      [2, null, false, 'B', 'Why P2', 'One'],
      [3, 'A', false, 'B', 'Why P3', 'One'],
      [4, null, false, 'B', 'Why P4', 'One'],
    ]);
  });
});
