/** Bank files on disk name their images relative to themselves; the CLI and first-start loading read them so. */
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBankImages } from '../../../server/src/modules/item-bank/bank-image-files.ts';

describe('readBankImages', () => {
  it('reads the sample diagrams next to item-bank/diagrams.json', async () => {
    const text = readFileSync('item-bank/diagrams.json', 'utf8');
    const files = await readBankImages('item-bank/diagrams.json', text);
    expect([...files.keys()].sort()).toEqual(['media/dial-gauge.svg', 'media/floor-marking.svg', 'media/hearing-sign.svg', 'media/lockout-tag.svg', 'media/pid-fragment.svg', 'media/steel-rule.svg']);
    expect(Buffer.from(files.get('media/dial-gauge.svg')!).equals(readFileSync('item-bank/media/dial-gauge.svg'))).toBe(true);
  });

  it('never reads outside the bank file\'s folder, and leaves missing files and stored hashes to validation', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bank-images-'));
    mkdirSync(path.join(dir, 'bank'));
    writeFileSync(path.join(dir, 'secret.png'), 'secret');
    writeFileSync(path.join(dir, 'bank', 'ok.png'), 'ok');
    const image = (src: string) => ({ id: 'SAF-1', stem: 's', image: { src, alt: 'a' }, options: [{ id: 'A', text: 'a', image: { src: 'ok.png', alt: 'a' } }] });
    const text = JSON.stringify({ formatVersion: 1, items: [image('../secret.png'), image(path.join(dir, 'secret.png')), image('missing.png'), image(`sha256:${'a'.repeat(64)}`)] });
    const files = await readBankImages(path.join(dir, 'bank', 'bank.json'), text);
    expect([...files.keys()]).toEqual(['ok.png']);
  });
});
