/**
 * The quality gate over every sample bank file in item-bank/ (docs/item-writing.md says what each rule is for).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bankFileSchema, contentOf, imagesOf, type BankFile, type Item } from '../../shared/item-bank-format.ts';
import { checkImage } from '../../server/src/modules/item-bank/domain/media-check.ts';
import { assemblyPool } from '../../server/src/modules/assembly/assembly.service.ts';
import { assembleParallelForms } from '../../server/src/modules/assembly/domain/parallel-forms.ts';
import { CPT40_TOPICS } from '../../shared/vocabulary.ts';
import { emptySnapshot } from '../../server/src/modules/item-bank/domain/bank-snapshot.ts';
import { validateBankSources } from '../../server/src/modules/item-bank/domain/bank-validation.ts';

const DIR = 'item-bank';
const parsedBank = (text: string) => bankFileSchema.parse(JSON.parse(text));
/** The image files a bank file's items name (relative to it), as first-start loading reads them. */
const imageFiles = (text: string) => new Map(parsedBank(text).items.flatMap((i) => imagesOf(i)).map((m) => [m.ref.src, new Uint8Array(readFileSync(path.join(DIR, m.ref.src)))]));
const sources = readdirSync(DIR)
  .filter((n) => n.endsWith('.json'))
  .sort()
  .map((n) => {
    const text = readFileSync(path.join(DIR, n), 'utf8');
    return { name: path.join(DIR, n), text, files: imageFiles(text) };
  });
const banks: BankFile[] = sources.map((s) => parsedBank(s.text));
const allItems = banks.flatMap((b) => b.items);

const words = (s: string) => s.toLowerCase().replace(/[^a-z0-9 ]+/g, ' ').split(/\s+/).filter(Boolean);
const trigrams = (s: string) => {
  const w = words(s);
  const out = new Set<string>();
  for (let i = 0; i + 2 < w.length; i++) out.add(`${w[i]} ${w[i + 1]} ${w[i + 2]}`);
  return out;
};
/**
 * Share of the smaller stem's word trigrams that the other stem also has. Two shared trigrams are a common opening
 * ("which description best fits"), not a duplicate, so fewer than three shared never counts.
 */
function similarity(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const t of a) if (b.has(t)) shared++;
  return shared < 3 ? 0 : shared / Math.min(a.size, b.size);
}

describe('sample item banks: quality gate', () => {
  it('holds all five modules, and every file validates together with no problem', () => {
    expect(banks.flatMap((b) => b.modules.map((m) => m.code)).sort()).toEqual(['GRN', 'MA', 'MPP', 'QPM', 'SAF']);
    const result = validateBankSources(sources, emptySnapshot());
    expect(result.ok ? [] : result.problems).toEqual([]);
  });

  it('has a handful of diagrams: each a safe SVG, with alt text that says what a candidate needs from it', () => {
    const pictured = allItems.filter((i) => imagesOf(i).length > 0);
    expect(pictured.length).toBeGreaterThanOrEqual(4);
    for (const i of pictured) {
      for (const { ref } of imagesOf(i)) {
        expect(checkImage(readFileSync(path.join(DIR, ref.src)), ref.src), `${i.id} ${ref.src}`).toEqual({ ok: true, mediaType: 'image/svg+xml' });
        expect(ref.alt.length, `${i.id} alt text`).toBeGreaterThan(60);
      }
      // The stem points at the picture, so the item is not answerable (or meant to be read) without it.
      expect(i.stem, i.id).toMatch(/\bshown\b/);
    }
  });

  it('uses each item id once across the whole bank', () => {
    const ids = allItems.map((i) => i.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('has no near-duplicate stems (word-trigram overlap below 50%)', () => {
    const grams = allItems.map((i) => ({ id: i.id, g: trigrams(i.stem) }));
    const close: string[] = [];
    for (let a = 0; a < grams.length; a++) {
      for (let b = a + 1; b < grams.length; b++) {
        const s = similarity(grams[a]!.g, grams[b]!.g);
        if (s >= 0.5) close.push(`${grams[a]!.id} ~ ${grams[b]!.id} (${s.toFixed(2)})`);
      }
    }
    expect(close).toEqual([]);
  });

  it('never uses "all/none of the above" or "both A and B"', () => {
    const bad = allItems.filter((i) => i.options.some((o) => /\b(all|none) of the above\b|\bboth [a-e] and [a-e]\b/i.test(o.text)));
    expect(bad.map((i) => i.id)).toEqual([]);
  });

  it('lists numeric options in ascending order', () => {
    const leadingNumber = (t: string) => {
      const m = /^\$?(-?\d[\d,]*(\.\d+)?)/.exec(t.trim());
      return m ? Number(m[1]!.replaceAll(',', '')) : null;
    };
    const unordered = allItems.filter((i) => {
      const nums = i.options.map((o) => leadingNumber(o.text));
      if (nums.some((n) => n === null)) return false;
      return nums.some((n, k) => k > 0 && n! < nums[k - 1]!);
    });
    expect(unordered.map((i) => i.id)).toEqual([]);
  });

  // Per module, over every file (the diagram items sit in diagrams.json, beside their modules' files).
  for (const bank of banks.filter((b) => b.modules.length > 0)) {
    const module = bank.modules[0]!;
    const blueprint = bank.blueprints[0]!;
    const items = allItems.filter((i) => i.module === module.code && i.status !== 'retired' && i.status !== 'draft');
    describe(`${module.code} (${module.title})`, () => {
      it('balances key positions: each letter holds 20-30% of the keys', () => {
        for (const letter of ['A', 'B', 'C', 'D']) {
          const share = items.filter((i) => i.key === letter).length / items.length;
          expect(share, `key ${letter}`).toBeGreaterThanOrEqual(0.2);
          expect(share, `key ${letter}`).toBeLessThanOrEqual(0.3);
        }
      });

      it('makes the key the longest option in at most 35% of items', () => {
        const longest = (i: Item) => {
          const key = i.options.find((o) => o.id === i.key)!.text.length;
          return i.options.every((o) => o.id === i.key || o.text.length < key);
        };
        expect(items.filter(longest).length / items.length).toBeLessThanOrEqual(0.35);
      });

      it('covers every KWA with at least 1.6x its blueprint count of operational items', () => {
        for (const [kwa, count] of Object.entries(blueprint.kwaCounts)) {
          const have = items.filter((i) => i.kwa === kwa && i.status === 'operational').length;
          expect(have, kwa).toBeGreaterThanOrEqual(Math.ceil(1.6 * count));
        }
      });

      it('has pretest items: at least what a form needs, about 15% of the form length', () => {
        const pretest = items.filter((i) => i.status === 'pretest').length;
        expect(pretest).toBeGreaterThanOrEqual(blueprint.pretestCount);
        expect(pretest).toBeGreaterThanOrEqual(Math.floor(0.15 * blueprint.formLength));
      });

      it('gives every item four options, a rationale and at least one topic', () => {
        for (const i of items) {
          expect(i.options, i.id).toHaveLength(4);
          expect(i.rationale.length, i.id).toBeGreaterThan(20);
          expect(i.topics.length, i.id).toBeGreaterThan(0);
        }
      });
    });
  }

  it('tags every CPT 4.0 technology somewhere in the bank', () => {
    const used = new Set(allItems.flatMap((i) => i.topics));
    expect(CPT40_TOPICS.filter((t) => !used.has(t))).toEqual([]);
  });
});

describe('sample item banks: two forms per module', () => {
  for (const bank of banks.filter((b) => b.modules.length > 0)) {
    const module = bank.modules[0]!;
    it(`${module.code}: two forms sharing at most 25% of their items can be assembled`, () => {
      const snapshot = emptySnapshot();
      snapshot.modules.set(module.code, { code: module.code, title: module.title, required: module.required, catalogs: [module.kwaCatalog] });
      allItems.filter((i) => i.module === module.code).forEach((i) => snapshot.items.set(i.id, { id: i.id, module: i.module, status: i.status, version: 1, content: contentOf(i) }));
      bank.enemyGroups.forEach((g) => snapshot.enemyGroups.set(g.id, g));
      const result = assembleParallelForms({ ...assemblyPool(snapshot, module.code), blueprint: bank.blueprints[0]!, seed: 'quality-gate', count: 2, maxOverlapPct: 25 });
      expect(result.ok ? 'ok' : result.infeasibility.message).toBe('ok');
      if (!result.ok) return;
      const [a, b] = result.forms.map((f) => new Set(f.items.map((i) => i.itemId)));
      const shared = [...a!].filter((id) => b!.has(id)).length;
      expect(shared).toBeLessThanOrEqual(Math.floor(0.25 * bank.blueprints[0]!.formLength));
      expect(result.forms.every((f) => f.checks.every((c) => c.met))).toBe(true);
    });
  }
});
