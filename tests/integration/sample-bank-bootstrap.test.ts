/**
 * What `npm start` does on an empty bank (server/src/bootstrap.ts): every sample bank file in item-bank/ loads in one
 * import, with each module's practice pool of 25 kept apart from the exam items, and a second start loads nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSampleBankIfEmpty } from '../../server/src/bootstrap.ts';
import { buildTestApp, type TestApp } from '../helpers/build-app.ts';
import { DB_KINDS } from '../helpers/test-db.ts';

describe.each(DB_KINDS)('loading the sample banks at first start on %s', { timeout: 300_000 }, (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(kind);
  }, 300_000);
  afterAll(() => t?.close());

  it('imports all 960 sample items, 25 practice items per module, once', async () => {
    expect(await loadSampleBankIfEmpty(t.services, 'item-bank')).toEqual({ loaded: true, items: 960 });
    const items = [...(await t.services.itemBank.snapshot()).items.values()];
    const practice = new Map<string, number>();
    for (const i of items) if (i.status === 'practice') practice.set(i.module, (practice.get(i.module) ?? 0) + 1);
    expect(Object.fromEntries(practice)).toEqual({ GRN: 25, MA: 25, MPP: 25, QPM: 25, SAF: 25 });
    expect(items.filter((i) => i.status !== 'practice')).toHaveLength(835);
    // The six diagrams (one on a practice item, SAF-Q20) are read from item-bank/media/ next to the bank files and stored by their hash.
    const pictured = items.filter((i) => i.content.image);
    expect(pictured.map((i) => i.id).sort()).toEqual(['MA-170', 'MPP-177', 'QPM-163', 'SAF-163', 'SAF-164', 'SAF-Q20']);
    for (const i of pictured) expect((await t.services.itemBank.media(i.content.image!.src.slice('sha256:'.length))).mediaType).toBe('image/svg+xml');
    expect(await loadSampleBankIfEmpty(t.services, 'item-bank')).toEqual({ loaded: false, items: 0 });
  });
});
