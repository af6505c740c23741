import { readFileSync } from 'node:fs';
import { unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { bankFileSchema, imagesOf, itemSchema, type BankFile, type Item } from '../../../shared/item-bank-format.ts';
import { exportQtiPackage } from '../../../server/src/modules/item-bank/domain/qti-export.ts';
import { importQti } from '../../../server/src/modules/item-bank/domain/qti-import.ts';
import { attr, childElements, descendants, parseXml, textContent } from '../../../server/src/modules/item-bank/domain/xml-reader.ts';

const SAMPLE_BANKS = ['safety', 'quality', 'production', 'maintenance', 'green', 'diagrams'];
const loadBank = (name: string): BankFile => bankFileSchema.parse(JSON.parse(readFileSync(`item-bank/${name}.json`, 'utf8')));
/** The sample banks name their diagrams by path relative to item-bank/. */
const sampleImage = (src: string) => ({ mediaType: 'image/svg+xml', bytes: new Uint8Array(readFileSync(`item-bank/${src}`)) });
const roundTrip = (bank: BankFile, name = 'bank.zip') => importQti([{ name, bytes: exportQtiPackage(bank, sampleImage) }], { kwaMapping: {} });
const text = (files: Record<string, Uint8Array>, path: string) => new TextDecoder().decode(files[path]);

describe('QTI 3.0 export → import round trip', () => {
  it.each(SAMPLE_BANKS)('gives back item-bank/%s.json unchanged', (name) => {
    const bank = loadBank(name);
    const r = roundTrip(bank);
    expect(r.problems).toEqual([]);
    expect(r.skipped).toEqual([]);
    expect(r.bank).toEqual(bank);
    // The diagrams travel as package files, byte for byte.
    const used = bank.items.flatMap((i) => imagesOf(i).map((m) => m.ref.src));
    expect(r.assets.map((a) => a.path).sort()).toEqual([...new Set(used)].sort());
    for (const a of r.assets) expect(Buffer.from(a.bytes).equals(readFileSync(`item-bank/${a.path}`))).toBe(true);
  });

  it('covers all 960 sample items (835 exam items and a practice pool of 25 in each of the five modules)', () => {
    const banks = SAMPLE_BANKS.map(loadBank);
    expect(banks.reduce((n, b) => n + b.items.length, 0)).toBe(960);
    // Per module, wherever the file: one Safety practice item (it shows a picture) lives in the diagrams file.
    const practice = banks.flatMap((b) => b.items.filter((i) => i.status === 'practice'));
    const perModule = new Map<string, number>();
    for (const i of practice) perModule.set(i.module, (perModule.get(i.module) ?? 0) + 1);
    expect([...perModule.values()]).toEqual([25, 25, 25, 25, 25]);
  });

  it('keeps what the sample banks do not exercise: paragraphs, line breaks, markup characters, five options, statistics, every status', () => {
    const item = (over: Partial<Item>): Item => ({
      id: 'QPM-900',
      module: 'QPM',
      kwa: 'QPM-10',
      status: 'operational',
      stem: 'First paragraph with <tags> & "quotes" and \u00a0non-breaking spaces.\n\nSecond paragraph,\nwith a line break.',
      options: [
        { id: 'A', text: 'x < y' },
        { id: 'B', text: 'x > y' },
        { id: 'C', text: "x = y's" },
        { id: 'D', text: '[image: not really an image]' },
        { id: 'E', text: '\u00b1 0.5 \u00b5m' },
      ],
      key: 'E',
      rationale: 'One.\n\nTwo & three.',
      topics: ['metrology', 'data-analytics'],
      stats: { p: 0.625, pointBiserial: -0.125, n: 40 },
      ...over,
    });
    const bank: BankFile = {
      formatVersion: 1,
      modules: [],
      blueprints: [],
      enemyGroups: [{ id: 'QPM-EG-90', itemIds: ['QPM-900', 'QPM-901'], reason: 'Same fact <twice> & more.' }],
      items: [
        item({}),
        item({ id: 'QPM-901', status: 'draft', stats: { p: 0.5 }, topics: [] }),
        item({ id: 'QPM-902', status: 'pretest', options: item({}).options.slice(0, 3), key: 'A', stats: undefined }),
        item({ id: 'QPM-903', status: 'retired', stats: undefined }),
      ].map((i) => itemSchema.parse(i)),
    };
    const r = roundTrip(bank);
    expect(r.problems).toEqual([]);
    expect(r.bank).toEqual(bank);
  });

  it('is deterministic, and an empty bank exports and imports too', () => {
    const bank = loadBank('green');
    expect(Buffer.from(exportQtiPackage(bank, sampleImage)).equals(Buffer.from(exportQtiPackage(bank, sampleImage)))).toBe(true);
    const empty: BankFile = { formatVersion: 1, modules: [], blueprints: [], enemyGroups: [], items: [] };
    expect(roundTrip(empty)).toMatchObject({ bank: empty, problems: [] });
  });

  it('still reads packages exported before the QTI 3.0 manifest fix (a cpt:item element instead of the cpt-exam classification)', () => {
    const bank = loadBank('green');
    const files = unzipSync(exportQtiPackage(bank));
    const groupsOf = (id: string) => bank.enemyGroups.filter((g) => g.itemIds.includes(id)).map((g) => g.id);
    let manifest = new TextDecoder().decode(files['imsmanifest.xml']);
    for (const item of bank.items) {
      const old = `<cpt:item xmlns:cpt="urn:cpt-exam:qti-bank:1"><cpt:status>${item.status}</cpt:status>${item.topics.map((t) => `<cpt:topic>${t}</cpt:topic>`).join('')}${groupsOf(item.id).map((g) => `<cpt:enemyGroup>${g}</cpt:enemyGroup>`).join('')}${item.stats ? `<cpt:stats p="${item.stats.p}"${item.stats.pointBiserial !== undefined ? ` pointBiserial="${item.stats.pointBiserial}"` : ''}${item.stats.n !== undefined ? ` n="${item.stats.n}"` : ''}/>` : ''}</cpt:item>`;
      const start = manifest.indexOf(`<lom:entry>${item.id}</lom:entry>`);
      const from = manifest.indexOf('<lom:classification>\n            <lom:purpose><lom:source>cpt-exam', start);
      const to = manifest.indexOf('</lom:lom>', from);
      manifest = `${manifest.slice(0, from)}${manifest.slice(to, to + '</lom:lom>'.length)}${old}${manifest.slice(to + '</lom:lom>'.length)}`;
    }
    expect(manifest).not.toContain('cpt-exam item data');
    const r = importQti([{ name: 'old.zip', bytes: zipSync({ ...files, 'imsmanifest.xml': new TextEncoder().encode(manifest) }) }], { kwaMapping: {} });
    expect(r.problems).toEqual([]);
    expect(r.bank).toEqual(bank);
  });

  it('refuses text that XML cannot carry', () => {
    const bank = loadBank('green');
    const bad = { ...bank, items: [{ ...bank.items[0]!, stem: 'Bell \u0007 character' }] };
    expect(() => exportQtiPackage(bad)).toThrow('item GRN-001: the stem contains U+0007, which XML cannot carry; remove it before exporting');
  });
});

describe('QTI 3.0 export: the package', () => {
  const bank = loadBank('safety');
  const files = unzipSync(exportQtiPackage(bank, sampleImage));

  it('holds a manifest, a test, one item file per item and the bank data', () => {
    expect(Object.keys(files).sort()).toEqual(['cpt-bank.json', 'imsmanifest.xml', 'tests/cpt-bank.xml', ...bank.items.map((i) => `items/${i.id}.xml`)].sort());
    const data = JSON.parse(text(files, 'cpt-bank.json'));
    expect(data).toEqual({ $schema: bank.$schema, formatVersion: 1, modules: bank.modules, blueprints: bank.blueprints, enemyGroups: bank.enemyGroups });
  });

  it('describes every item in the manifest with qtiMetadata, then LOM: the KWA classification and the cpt-exam item data', () => {
    const manifest = parseXml(text(files, 'imsmanifest.xml'));
    const resource = descendants(manifest).find((e) => e.local === 'resource' && attr(e, 'identifier') === 'SAF-010')!;
    expect(attr(resource, 'type')).toBe('imsqti_item_xmlv3p0');
    expect(attr(resource, 'href')).toBe('items/SAF-010.xml');
    expect(descendants(resource).filter((e) => e.ns === 'urn:cpt-exam:qti-bank:1')).toEqual([]);
    const item = bank.items.find((i) => i.id === 'SAF-010')!;
    const classifications = descendants(resource).filter((e) => e.local === 'classification');
    const taxa = (c: (typeof classifications)[number]) => descendants(c).filter((e) => e.local === 'taxon').map((t) => textContent(childElements(t).find((x) => x.local === 'id')!));
    expect(taxa(classifications[0]!)).toEqual(['SAF', item.kwa]);
    expect(taxa(classifications[1]!)).toEqual([`status:${item.status}`, ...item.topics.map((t) => `topic:${t}`), 'enemy-group:SAF-EG-01']);
  });

  it('groups the items by KWA in the test, with the KWA as category', () => {
    const test = parseXml(text(files, 'tests/cpt-bank.xml'));
    const sections = descendants(test).filter((e) => e.local === 'qti-assessment-section');
    expect(sections.map((s) => attr(s, 'identifier'))).toEqual(bank.modules[0]!.kwaCatalog.kwas.map((k) => `S-${k.code}`));
    const refs = descendants(test).filter((e) => e.local === 'qti-assessment-item-ref');
    expect(refs).toHaveLength(bank.items.length);
    for (const ref of refs) expect(attr(ref, 'category')).toBe(bank.items.find((i) => i.id === attr(ref, 'identifier'))!.kwa);
  });

  it('writes QTI 3.0 choice items with the key as correct response and the rationale as modal feedback', () => {
    const item = bank.items[0]!;
    const root = parseXml(text(files, `items/${item.id}.xml`));
    expect([root.local, root.ns, attr(root, 'identifier')]).toEqual(['qti-assessment-item', 'http://www.imsglobal.org/xsd/imsqtiasi_v3p0', item.id]);
    const find = (local: string) => descendants(root).filter((e) => e.local === local);
    expect(attr(find('qti-response-declaration')[0]!, 'cardinality')).toBe('single');
    expect(find('qti-correct-response').map(textContent).map((t) => t.trim())).toEqual([item.key]);
    expect(attr(find('qti-choice-interaction')[0]!, 'max-choices')).toBe('1');
    expect(find('qti-simple-choice').map((c) => [attr(c, 'identifier'), textContent(c)])).toEqual(item.options.map((o) => [o.id, o.text]));
    expect(find('qti-modal-feedback').map((f) => textContent(f).trim())).toEqual([item.rationale]);
  });

  it('without cpt-bank.json, still rebuilds enemy groups (without reasons) from the manifest', () => {
    const { ['cpt-bank.json']: _data, ...rest } = files;
    const manifest = text(rest, 'imsmanifest.xml').replace(/<resource identifier="CPT-BANK-DATA"[\s\S]*?<\/resource>/, '');
    const r = importQti([{ name: 'x.zip', bytes: zipSync({ ...rest, 'imsmanifest.xml': new TextEncoder().encode(manifest) }) }], { kwaMapping: {} });
    expect(r.problems).toEqual([]);
    expect(r.bank.items).toEqual(bank.items);
    expect(r.bank.modules).toEqual([]);
    // Rebuilt in id order, members in item order; the reasons live only in cpt-bank.json.
    expect(r.bank.enemyGroups).toEqual(
      [...bank.enemyGroups].sort((a, b) => a.id.localeCompare(b.id)).map((g) => ({ id: g.id, itemIds: bank.items.filter((i) => g.itemIds.includes(i.id)).map((i) => i.id) })),
    );
  });

  it('reports a broken cpt-bank.json with its line:column', () => {
    const small = unzipSync(exportQtiPackage({ ...bank, enemyGroups: [], items: bank.items.slice(0, 3) }));
    const r = importQti([{ name: 'x.zip', bytes: zipSync({ ...small, 'cpt-bank.json': new TextEncoder().encode('{\n  "formatVersion": 1,\n  "modules": [}\n') }) }], { kwaMapping: {} });
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ file: 'x.zip/cpt-bank.json', line: 3, column: 15 });
    expect(r.problems[0]!.message).toMatch(/^malformed JSON: /);
    const wrong = importQti([{ name: 'x.zip', bytes: zipSync({ ...small, 'cpt-bank.json': new TextEncoder().encode('{\n  "formatVersion": 2\n}\n') }) }], { kwaMapping: {} });
    expect(wrong.problems).toEqual([{ file: 'x.zip/cpt-bank.json', pointer: '/formatVersion', line: 2, column: 20, message: 'formatVersion must be 1' }]);
  });
});
