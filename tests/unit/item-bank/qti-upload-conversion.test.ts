import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bankFileSchema, type BankFile } from '../../../shared/item-bank-format.ts';
import { exportBankCsv } from '../../../server/src/modules/item-bank/domain/bank-csv.ts';
import { emptySnapshot, type BankSnapshot } from '../../../server/src/modules/item-bank/domain/bank-snapshot.ts';
import { validateBankSources } from '../../../server/src/modules/item-bank/domain/bank-validation.ts';
import { exportQtiPackage } from '../../../server/src/modules/item-bank/domain/qti-export.ts';
import { convertUpload, detectUploadFormat, relocateProblems, withUploadedImages } from '../../../server/src/modules/item-bank/domain/upload-conversion.ts';
import { createHash } from 'node:crypto';
import { fixtureFile, zippedFixture } from '../../fixtures/qti/load-fixtures.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const media = { sha256: (b: Uint8Array) => createHash('sha256').update(b).digest('hex'), stored: new Set<string>() };
const sampleImage = (src: string) => ({ mediaType: 'image/svg+xml', bytes: new Uint8Array(readFileSync(`item-bank/${src}`)) });
const sampleImageFiles = (names: string[]) => names.map((n) => ({ name: n, bytes: new Uint8Array(readFileSync(`item-bank/${n}`)) }));
const loadBank = (name: string): BankFile => bankFileSchema.parse(JSON.parse(readFileSync(`item-bank/${name}.json`, 'utf8')));

/** A bank that holds the five sample catalogs and nothing else, as a dry run against a live bank would see it. */
function catalogsOnly(): BankSnapshot {
  const snap = emptySnapshot();
  for (const name of ['safety', 'quality', 'production', 'maintenance', 'green']) {
    for (const m of loadBank(name).modules) snap.modules.set(m.code, { code: m.code, title: m.title, required: m.required, catalogs: [m.kwaCatalog] });
  }
  return snap;
}

describe('convertUpload', () => {
  it('detects the format from the extension, else from the bytes', () => {
    const f = (name: string, text: string) => detectUploadFormat({ name, bytes: enc(text) });
    expect([f('a.json', ''), f('a.CSV', ''), f('a.xml', ''), f('a.zip', ''), f('upload', '\uFEFF  <x/>'), f('upload', '{}'), f('upload', 'id,module')]).toEqual([
      'json',
      'csv',
      'qti-xml',
      'qti-zip',
      'qti-xml',
      'json',
      null,
    ]);
    expect(detectUploadFormat({ name: 'upload.bin', bytes: exportQtiPackage({ formatVersion: 1, modules: [], blueprints: [], enemyGroups: [], items: [] }) })).toBe('qti-zip');
  });

  it('passes bank JSON through as text', () => {
    const text = readFileSync('item-bank/green.json', 'utf8');
    const c = convertUpload({ name: 'green.json', bytes: enc('\uFEFF' + text) });
    expect(c).toMatchObject({ format: 'json', sources: [{ name: 'green.json', text }], problems: [] });
    expect(validateBankSources(c.sources, emptySnapshot()).ok).toBe(true);
  });

  it('turns an exported QTI package back into a bank that validates and plans the same import as its JSON', () => {
    const bank = loadBank('quality');
    const c = convertUpload({ name: 'quality.zip', bytes: exportQtiPackage(bank, sampleImage) });
    expect(c.problems).toEqual([]);
    expect(c.sources.map((s) => s.name)).toEqual(['quality.zip.bank.json']);
    const fromQti = validateBankSources(c.sources, emptySnapshot(), media);
    const fromJson = validateBankSources([{ name: 'quality.json', text: readFileSync('item-bank/quality.json', 'utf8') }], emptySnapshot(), media);
    expect(fromQti.ok && fromJson.ok).toBe(true);
    if (fromQti.ok && fromJson.ok) expect(fromQti.plan).toEqual(fromJson.plan);
  });

  it('does the same for the diagram items: same items, images resolved to the same hashes, the same bytes to store', () => {
    const bank = loadBank('diagrams');
    const c = convertUpload({ name: 'diagrams.zip', bytes: exportQtiPackage(bank, sampleImage) });
    expect(c.problems).toEqual([]);
    const fromQti = validateBankSources(c.sources, catalogsOnly(), media);
    const json = convertUpload({ name: 'diagrams.json', bytes: readFileSync('item-bank/diagrams.json') });
    const images = bank.items.map((i) => i.image!.src);
    const fromJson = validateBankSources(withUploadedImages(json, 'diagrams.json', sampleImageFiles(images)).sources, catalogsOnly(), media);
    expect(fromQti.ok ? [] : fromQti.problems).toEqual([]);
    expect(fromJson.ok ? [] : fromJson.problems).toEqual([]);
    if (fromQti.ok && fromJson.ok) expect(fromQti.plan).toEqual(fromJson.plan);
    if (fromQti.ok) expect(fromQti.plan.media.map((m) => m.mediaType)).toEqual(images.map(() => 'image/svg+xml'));
  });

  it('turns a CSV sheet into a bank that validates against the bank catalogs', () => {
    const bank = loadBank('production');
    const c = convertUpload({ name: 'production.csv', bytes: enc(exportBankCsv(bank)) });
    expect(c.problems).toEqual([]);
    const result = validateBankSources(c.sources, catalogsOnly());
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.plan.summary.itemsNew).toBe(bank.items.length);
  });

  it('takes a sheet whose image column names files sent with it', () => {
    const bank = loadBank('diagrams');
    const c = withUploadedImages(convertUpload({ name: 'diagrams.csv', bytes: enc(exportBankCsv(bank)) }), 'diagrams.csv', sampleImageFiles(bank.items.map((i) => i.image!.src)));
    expect(c.problems).toEqual([]);
    const result = validateBankSources(c.sources, catalogsOnly(), media);
    expect(result.ok ? [] : result.problems).toEqual([]);
    if (result.ok) expect(result.plan.items.map((p) => p.item.image!.src)).toEqual(result.plan.media.map((m) => `sha256:${m.sha256}`));
  });

  it('points validation problems on a converted CSV back to the row and cell', () => {
    const csv = 'id,module,kwa,status,stem,option_a,option_b,option_c,option_d,key,rationale\r\n' + 'SAF-950,SAF,SAF-99,draft,Stem?,a,b,c,d,A,Because.\r\n';
    const c = convertUpload({ name: 'new.csv', bytes: enc(csv) });
    expect(c.problems).toEqual([]);
    const result = validateBankSources(c.sources, catalogsOnly());
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(relocateProblems(result.problems, c)).toEqual([
      {
        file: 'new.csv',
        pointer: '/items/0/kwa',
        line: 2,
        column: 3,
        message: 'unknown KWA code SAF-99 for module SAF (catalog 2026.1 has SAF-01, SAF-02, SAF-03, SAF-04, SAF-05, SAF-06, SAF-07, SAF-08, SAF-09, SAF-10)',
      },
    ]);
  });

  it('points validation problems on a converted QTI item back to its file and element, and lists the conversion problems', () => {
    const c = convertUpload(zippedFixture('qti30-package'), { kwaMapping: { byCategory: { monitoring: 'MPP-08', workflow: 'MPP-07' } } });
    expect(c.problems.map((p) => p.message)).toEqual(['item "item-sequence": qti-order-interaction is not supported; only single-response choice interactions are imported']);
    expect(c.assets.map((a) => a.path)).toEqual(['media/oee-chart.svg']);
    expect(c.itemOrigins.map((o) => [o.itemId, o.file, o.choiceIdentifiers])).toEqual([
      ['MPP-item-oee', 'qti30-package.zip/items/oee.xml', ['c1', 'c2', 'c3', 'c4']],
      ['MPP-item-takt', 'qti30-package.zip/items/takt time.xml', ['A', 'B', 'C']],
    ]);
    const result = validateBankSources(c.sources, emptySnapshot());
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(relocateProblems(result.problems, c)).toEqual([
      { file: 'qti30-package.zip/items/oee.xml', pointer: '/items/0/module', line: 2, column: 1, message: 'module MPP has no KWA catalog in this file or in the bank' },
      { file: 'qti30-package.zip/items/takt time.xml', pointer: '/items/1/module', line: 2, column: 1, message: 'module MPP has no KWA catalog in this file or in the bank' },
    ]);
  });

  it('converts a loose QTI item and skips in lenient mode', () => {
    const c = convertUpload(fixtureFile('bad/no-rationale.xml'), { lenient: true });
    expect(c.problems).toEqual([]);
    expect(c.skipped).toEqual([{ file: 'bad/no-rationale.xml', itemId: 'MA-LUBE-3', reason: 'no rationale: no modal feedback is shown for the correct answer' }]);
    expect(JSON.parse(c.sources[0]!.text)).toEqual({ formatVersion: 1, modules: [], blueprints: [], enemyGroups: [], items: [] });
  });

  it('refuses an unknown format and a CSV that is not UTF-8', () => {
    expect(convertUpload({ name: 'bank.txt', bytes: enc('hello') })).toMatchObject({
      format: null,
      sources: [],
      problems: [{ file: 'bank.txt', pointer: '', message: 'cannot tell the format of "bank.txt": upload a bank as .json, a spreadsheet as .csv, a QTI item as .xml or a QTI content package as .zip' }],
    });
    expect(convertUpload({ name: 'bank.csv', bytes: new Uint8Array([0x69, 0x64, 0xe9, 0x0a]) }).problems).toEqual([
      { file: 'bank.csv', pointer: '', message: 'the file is not valid UTF-8 text; in Excel choose "Save as" → "CSV UTF-8 (Comma delimited)"' },
    ]);
  });
});
