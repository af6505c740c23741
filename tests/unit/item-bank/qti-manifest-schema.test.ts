/**
 * The exported imsmanifest.xml against the official QTI 3.0 content-package profile XSD (tests/fixtures/qti3-xsd, see
 * SOURCES.md there), with xmllint (Debian: libxml2-utils; scripts/test.mjs installs it). Without xmllint the
 * schema checks are skipped with a message; the structural check of the metadata order runs anyway.
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
const hasXmllint = spawnSync('xmllint', ['--version'], { stdio: 'ignore' }).error === undefined;
if (!hasXmllint) console.warn('xmllint is not installed (Debian: apt-get install libxml2-utils): skipping the QTI 3.0 manifest schema validation');

const banks = ['safety', 'quality', 'production', 'maintenance', 'green'].map((n) => bankFileSchema.parse(JSON.parse(readFileSync(`item-bank/${n}.json`, 'utf8'))));
const merged: BankFile = { formatVersion: 1, modules: banks.flatMap((b) => b.modules), blueprints: banks.flatMap((b) => b.blueprints), enemyGroups: banks.flatMap((b) => b.enemyGroups), items: banks.flatMap((b) => b.items) };
const manifest = new TextDecoder().decode(unzipSync(exportQtiPackage(merged))['imsmanifest.xml']);

const dir = mkdtempSync(path.join(tmpdir(), 'qti-manifest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function validate(xml: string): { ok: boolean; output: string } {
  const file = path.join(dir, `m-${Math.random().toString(36).slice(2)}.xml`);
  writeFileSync(file, xml);
  const r = spawnSync('xmllint', ['--noout', '--nonet', '--schema', XSD, file], { encoding: 'utf8' });
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
