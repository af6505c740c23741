/**
 * The exported package against the IMS QTI 3.0 XSDs (tests/fixtures/qti3-xsd, see SOURCES.md there), with xmllint
 * (Debian: libxml2-utils; scripts/test.mjs installs it): imsmanifest.xml against the content-package profile, and every
 * item file and the test file against the Assessment, Section and Item schema (its SBAC profile, the only ASI XSD that
 * could be obtained; for the markup the export writes it accepts and refuses exactly what the base schema does, see
 * SOURCES.md). Without xmllint the schema checks are skipped with a message; the structural check of the metadata
 * order runs anyway.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { bankFileSchema, type BankFile } from '../../../shared/item-bank-format.ts';
import { exportQtiPackage } from '../../../server/src/modules/item-bank/domain/qti-export.ts';
import { childElements, descendants, parseXml } from '../../../server/src/modules/item-bank/domain/xml-reader.ts';

const XSD = path.resolve('tests/fixtures/qti3-xsd/imsqtiv3p0_imscpv1p2_v1p0.xsd');
const ASI_XSD = path.resolve('tests/fixtures/qti3-xsd/asi/qtiv3p0/imsqti_asiv3p0_sbacv1p0_v1p0.xsd');
const hasXmllint = spawnSync('xmllint', ['--version'], { stdio: 'ignore' }).error === undefined;
if (!hasXmllint) console.warn('xmllint is not installed (Debian: apt-get install libxml2-utils): skipping the QTI 3.0 manifest schema validation');

const banks = ['safety', 'quality', 'production', 'maintenance', 'green'].map((n) => bankFileSchema.parse(JSON.parse(readFileSync(`item-bank/${n}.json`, 'utf8'))));
const merged: BankFile = { formatVersion: 1, modules: banks.flatMap((b) => b.modules), blueprints: banks.flatMap((b) => b.blueprints), enemyGroups: banks.flatMap((b) => b.enemyGroups), items: banks.flatMap((b) => b.items) };
const manifest = new TextDecoder().decode(unzipSync(exportQtiPackage(merged))['imsmanifest.xml']);

/** The five diagram items (SVG stem pictures) with an option picture added (a PNG), exported with their bytes. */
const diagrams = bankFileSchema.parse(JSON.parse(readFileSync('item-bank/diagrams.json', 'utf8')));
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);
diagrams.items[0]!.options[1]!.image = { src: 'media/dot.png', alt: 'A one-pixel test picture' };
const pictured = unzipSync(exportQtiPackage({ ...diagrams, modules: merged.modules }, (src) => (src === 'media/dot.png' ? { mediaType: 'image/png', bytes: PNG } : { mediaType: 'image/svg+xml', bytes: new Uint8Array(readFileSync(`item-bank/${src}`)) })));
/** Every item and test file of both exports: the 955 sample items, the diagram items, and each export's test. */
const asiFiles = [...Object.entries(unzipSync(exportQtiPackage(merged))), ...Object.entries(pictured).map(([n, b]) => [`diagrams/${n}`, b] as const)].filter(([n]) => /(^|\/)(items|tests)\/[^/]+\.xml$/.test(n));

const dir = mkdtempSync(path.join(tmpdir(), 'qti-manifest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function validate(xml: string, xsd = XSD): { ok: boolean; output: string } {
  const file = path.join(dir, `m-${Math.random().toString(36).slice(2)}.xml`);
  writeFileSync(file, xml);
  const r = spawnSync('xmllint', ['--noout', '--nonet', '--schema', xsd, file], { encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

/** Validates many files in one xmllint run (the ASI schema is 1 MB: compiling it once a file would take minutes). */
function validateAll(files: (readonly [string, Uint8Array])[], xsd: string): { ok: boolean; output: string } {
  const paths = files.map(([name, bytes], i) => {
    const file = path.join(dir, `f${i}-${path.basename(name)}`);
    writeFileSync(file, bytes);
    return file;
  });
  const r = spawnSync('xmllint', ['--noout', '--nonet', '--schema', xsd, ...paths], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

describe('exported imsmanifest.xml', () => {
  it('puts qtiMetadata before lom in every resource, and nothing else (the profile allows no foreign element)', () => {
    const resources = descendants(parseXml(manifest)).filter((e) => e.local === 'resource' && e.attributes.some((a) => a.local === 'type' && a.value === 'imsqti_item_xmlv3p0'));
    expect(resources).toHaveLength(merged.items.length);
    for (const r of resources) {
      const metadata = childElements(r).find((e) => e.local === 'metadata')!;
      expect(childElements(metadata).map((e) => e.local)).toEqual(['qtiMetadata', 'lom']);
    }
  });

  it.skipIf(!hasXmllint)('validates against the QTI 3.0 content-package profile XSD (all 955 sample items)', () => {
    const r = validate(manifest);
    expect(r.output).toContain('validates');
    expect(r.ok).toBe(true);
  });

  it.skipIf(!hasXmllint)('the XSD rejects what the export used to write: lom before qtiMetadata, and a foreign element', () => {
    const swapped = manifest.replace(/(<qti:qtiMetadata>[\s\S]*?<\/qti:qtiMetadata>)\s*(<lom:lom>[\s\S]*?<\/lom:lom>)/, '$2\n$1');
    expect(swapped).not.toBe(manifest);
    expect(validate(swapped).ok).toBe(false);
    const foreign = manifest.replace('</lom:lom>\n      </metadata>', '</lom:lom>\n        <cpt:item xmlns:cpt="urn:cpt-exam:qti-bank:1"><cpt:status>draft</cpt:status></cpt:item>\n      </metadata>');
    expect(foreign).not.toBe(manifest);
    expect(validate(foreign).ok).toBe(false);
  });
});

describe('exported item and test files', () => {
  it('include the diagram items with their stem and option pictures', () => {
    const item = new TextDecoder().decode(pictured[`items/${diagrams.items[0]!.id}.xml`]!);
    expect(item).toMatch(/<img src="[^"]+\.svg" alt="[^"]+"\/>/);
    expect(item).toMatch(/<img src="[^"]+\.png" alt="A one-pixel test picture"\/>/);
    expect(asiFiles.filter(([n]) => /(^|\/)items\//.test(n)).length).toBe(merged.items.length + diagrams.items.length);
  });

  it.skipIf(!hasXmllint)('every item file and the test file validate against the QTI 3.0 ASI XSD', () => {
    const r = validateAll(asiFiles, ASI_XSD);
    const failed = r.output.split('\n').filter((l) => l && !l.endsWith(' validates'));
    expect(failed).toEqual([]);
    expect(r.output.split('\n').filter((l) => l.endsWith(' validates'))).toHaveLength(asiFiles.length);
    expect(r.ok).toBe(true);
  }, 120_000);

  it.skipIf(!hasXmllint)('the ASI XSD refuses an image without alt text and an attribute QTI does not define', () => {
    const item = new TextDecoder().decode(pictured[`items/${diagrams.items[0]!.id}.xml`]!);
    const noAlt = item.replace(/(<img src="[^"]+\.svg") alt="[^"]+"/, '$1');
    expect(noAlt).not.toBe(item);
    expect(validate(noAlt, ASI_XSD).output).toContain("The attribute 'alt' is required but missing");
    const foreign = item.replace('<qti-simple-choice ', '<qti-simple-choice data-cpt="x" bogus="1" ');
    expect(validate(foreign, ASI_XSD).output).toContain("The attribute 'bogus' is not allowed");
  });
});
