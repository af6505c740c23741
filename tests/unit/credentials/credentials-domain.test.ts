import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bakePng, bakeSvg, crc32, extractPng, extractSvg } from '../../../server/src/modules/credentials/domain/baking.ts';
import { readCodesCsv, webhookBackoffMs, windowStart, retryAfterSeconds } from '../../../server/src/modules/credentials/domain/employer-rules.ts';
import { encodeStatusList, STATUS_LIST_BITS, statusBit, statusPosition } from '../../../server/src/modules/credentials/domain/status-list.ts';
import { readFileSync } from 'node:fs';

describe('status list', () => {
  it('gives every credential its own bit: a bijection on each list', () => {
    const seen = new Set<number>();
    for (let seq = 1; seq <= STATUS_LIST_BITS; seq++) seen.add(statusPosition(seq).index);
    expect(seen.size).toBe(STATUS_LIST_BITS);
    expect(statusPosition(1)).toEqual({ list: 1, index: 0 });
    expect(statusPosition(STATUS_LIST_BITS + 1)).toEqual({ list: 2, index: 0 });
    expect(() => statusPosition(0)).toThrow(RangeError);
  });

  it('encodes 16 KB of gzipped bits, leftmost bit first, that node zlib reads back', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: STATUS_LIST_BITS - 1 }), { maxLength: 50 }), (set) => {
        const encoded = encodeStatusList(set);
        expect(encoded.startsWith('u')).toBe(true);
        const bits = gunzipSync(Buffer.from(encoded.slice(1), 'base64url'));
        expect(bits.length).toBe(16_384);
        for (const i of set) expect((bits[i >> 3]! >> (7 - (i & 7))) & 1).toBe(1);
        const probe = (set[0] ?? 0) ^ 1;
        expect(statusBit(encoded, probe)).toBe(set.includes(probe));
      }),
      { numRuns: 30 },
    );
  });
});

describe('baking', () => {
  const png = readFileSync('server/assets/badges/SAF.png');
  it('puts one uncompressed openbadgecredential iTXt chunk in a PNG, replacing an earlier one, with valid CRCs', () => {
    const once = bakePng(png, 'a.b.c');
    const twice = bakePng(once, 'd.e.f');
    expect(extractPng(twice)).toBe('d.e.f');
    expect(Buffer.from(twice).toString('latin1').split('openbadgecredential').length - 1).toBe(1);
    expect(extractPng(png)).toBeNull();
    // Every chunk's CRC checks out.
    const buf = Buffer.from(twice);
    for (let at = 8; at < buf.length; ) {
      const len = buf.readUInt32BE(at);
      expect(crc32(buf.subarray(at + 4, at + 8 + len))).toBe(buf.readUInt32BE(at + 8 + len));
      at += 12 + len;
    }
    expect(() => bakePng(new Uint8Array([1, 2, 3]), 'x')).toThrow(/not a PNG/);
  });

  it('bakes an SVG with the namespace and one verify element right after <svg>', () => {
    const svg = '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect/></svg>';
    const baked = bakeSvg(bakeSvg(svg, 'old.jws.x'), 'a.b"c');
    expect(baked).toMatch(/^<\?xml version="1.0"\?>\n<svg xmlns:openbadges="https:\/\/purl.imsglobal.org\/ob\/v3p0" xmlns=/);
    expect(baked.match(/openbadges:credential verify/g)).toHaveLength(1);
    expect(extractSvg(baked)).toBe('a.b"c');
  });
});

describe('employer rules', () => {
  it('backs off from 30 s, doubling to a 6 h cap, with jitter between half and all of it', () => {
    expect(webhookBackoffMs(1, 0)).toBe(15_000);
    expect(webhookBackoffMs(1, 0.999999)).toBeCloseTo(30_000, -1);
    expect(webhookBackoffMs(3, 1)).toBe(120_000);
    expect(webhookBackoffMs(30, 1)).toBe(6 * 3600_000);
  });

  it('counts per clock minute', () => {
    expect(windowStart(new Date('2026-01-01T10:00:59.900Z')).toISOString()).toBe('2026-01-01T10:00:00.000Z');
    expect(retryAfterSeconds(new Date('2026-01-01T10:00:59.900Z'))).toBe(1);
    expect(retryAfterSeconds(new Date('2026-01-01T10:00:00.000Z'))).toBe(60);
  });

  it('reads codes from a CSV with or without a header, keeping line numbers', () => {
    expect(readCodesCsv('name,code\nA,CPT-1\nB,CPT-2\n').codes).toEqual([
      { line: 2, code: 'CPT-1' },
      { line: 3, code: 'CPT-2' },
    ]);
    expect(readCodesCsv('CPT-1\n\nCPT-2\n').codes.map((c) => c.line)).toEqual([1, 3]);
    expect(readCodesCsv('code\n').problems[0]!.message).toMatch(/no verification codes/);
    expect(readCodesCsv(Array.from({ length: 1002 }, () => 'CPT-X').join('\n')).problems[0]!.message).toMatch(/at most 1000/);
  });
});
