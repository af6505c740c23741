import { describe, expect, it } from 'vitest';
import type { BankItem } from '../../../client/src/features/authoring/api.ts';
import {
  bytesToBase64,
  coverageLevel,
  discriminationDomain,
  draftOf,
  editPatch,
  excerpt,
  fieldOfPointer,
  fmt,
  makesNewVersion,
  matchesSearch,
  parseTopics,
  problemLocation,
  sortBy,
  sortProblems,
  sourceExcerpt,
  uploadKind,
} from '../../../client/src/features/authoring/author-helpers.ts';
import { decodeText } from '../../../shared/decode-text.ts';

const item: BankItem = {
  id: 'GRN-001',
  module: 'GRN',
  status: 'operational',
  version: 1,
  content: {
    kwa: 'GRN-01',
    stem: 'What is the triple bottom line?',
    options: [
      { id: 'A', text: 'People, planet, profit' },
      { id: 'B', text: 'Plan, do, check' },
      { id: 'C', text: 'Reduce, reuse, recycle' },
    ],
    key: 'A',
    rationale: 'It weighs social, environmental and economic results.',
    topics: ['sustainability'],
  },
  stats: null,
};

describe('upload helpers', () => {
  it('routes files by extension', () => {
    expect(['bank.json', 'sheet.CSV', 'x.tsv', 'item.xml', 'pkg.zip', 'notes.txt'].map(uploadKind)).toEqual(['json', 'csv', 'csv', 'qti-xml', 'qti-zip', null]);
  });

  it('encodes bytes as base64, also past the chunk size', () => {
    expect(bytesToBase64(new TextEncoder().encode('héllo'))).toBe(Buffer.from('héllo').toString('base64'));
    const big = new Uint8Array(100_000).map((_, i) => i % 251);
    expect(bytesToBase64(big)).toBe(Buffer.from(big).toString('base64'));
  });

  it('decodes UTF-8 with or without BOM and UTF-16 with BOM, and refuses other bytes', () => {
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]))).toBe('{}');
    expect(decodeText(new Uint8Array([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]))).toBe('{}');
    expect(decodeText(new Uint8Array([0xc3, 0x28]))).toBeNull();
  });
});

describe('problems', () => {
  it('formats file:line:column, leaving out what is unknown', () => {
    expect(problemLocation({ file: 'b.json', line: 3, column: 7 })).toBe('b.json:3:7');
    expect(problemLocation({ file: 'b.json', line: 3 })).toBe('b.json:3');
    expect(problemLocation({ file: 'b.json' })).toBe('b.json');
    expect(problemLocation({})).toBe('');
  });

  it('sorts by chosen file order, then line and column; unnamed files last', () => {
    const ps = [
      { file: 'b.json', line: 2, column: 1, pointer: '', message: 'b2' },
      { pointer: '', message: 'none' },
      { file: 'a.json', line: 9, column: 1, pointer: '', message: 'a9' },
      { file: 'b.json', line: 1, column: 5, pointer: '', message: 'b1' },
    ];
    expect(sortProblems(ps, ['b.json', 'a.json']).map((p) => p.message)).toEqual(['b1', 'b2', 'a9', 'none']);
  });

  it('shows the offending line with a caret under the column', () => {
    const text = '{\n  "items": [\n    { "key": "E" }\n  ]\n}\n';
    expect(sourceExcerpt(text, 3, 14)).toEqual({ line: 3, text: '    { "key": "E" }', caret: 13, clippedStart: false, clippedEnd: false });
    expect(sourceExcerpt('a\r\nbb\r\n', 2, 2)).toMatchObject({ line: 2, text: 'bb', caret: 1 });
  });

  it('clips long lines around the column and handles a line past the end', () => {
    const long = 'x'.repeat(500) + 'HERE' + 'y'.repeat(500);
    const ex = sourceExcerpt(long, 1, 501, 100)!;
    expect(ex.text).toHaveLength(100);
    expect(ex.text.slice(ex.caret!, ex.caret! + 4)).toBe('HERE');
    expect(ex).toMatchObject({ clippedStart: true, clippedEnd: true });
    expect(sourceExcerpt('{\n  "a": 1\n', 9, 1)).toMatchObject({ line: 2, text: '  "a": 1', caret: 8 });
    expect(sourceExcerpt('x', 0)).toBeNull();
  });

  it('maps server pointers of an edit to form fields', () => {
    expect(fieldOfPointer('/body/stem')).toBe('stem');
    expect(fieldOfPointer('/body/topics/0')).toBe('topics');
    expect(fieldOfPointer('/body/options/1/text')).toBe('option-1');
    expect(fieldOfPointer('/items/0/key')).toBe('key');
    expect(fieldOfPointer('/items/0/options')).toBe('options');
    expect(fieldOfPointer('')).toBeNull();
    // A picture's problems go to the picture's alt text field, not to the stem's or the option's text.
    expect(fieldOfPointer('/body/image/alt')).toBe('image');
    expect(fieldOfPointer('/items/0/image/src')).toBe('image');
    expect(fieldOfPointer('/body/options/2/image/alt')).toBe('option-2-image');
    expect(fieldOfPointer('/items/0/options/2/image/src')).toBe('option-2-image');
  });
});

describe('edits', () => {
  it('sends only what changed, with the topics whenever anything changes', () => {
    const d = draftOf(item);
    expect(editPatch(item, d)).toEqual({});
    expect(editPatch(item, { ...d, status: 'retired' })).toEqual({ status: 'retired', topics: ['sustainability'] });
    expect(editPatch(item, { ...d, stem: 'New?' })).toEqual({ stem: 'New?', topics: ['sustainability'] });
    expect(editPatch(item, { ...d, topics: 'Sustainability, energy-cost  energy-cost' })).toEqual({ topics: ['sustainability', 'energy-cost'] });
  });

  it('sends the stem picture when it is added, changed or removed (null), and counts it as a new version', () => {
    const d = draftOf(item);
    const image = { src: `sha256:${'a'.repeat(64)}`, alt: 'A gauge' };
    expect(editPatch(item, { ...d, image })).toEqual({ image, topics: ['sustainability'] });
    expect(makesNewVersion(item, editPatch(item, { ...d, image }))).toBe(true);
    const pictured = { ...item, content: { ...item.content, image } };
    expect(editPatch(pictured, draftOf(pictured))).toEqual({});
    expect(editPatch(pictured, { ...draftOf(pictured), image: null })).toEqual({ image: null, topics: ['sustainability'] });
    expect(editPatch(pictured, { ...draftOf(pictured), image: { ...image, alt: 'A pressure gauge' } })).toMatchObject({ image: { alt: 'A pressure gauge' } });
    expect(makesNewVersion(pictured, editPatch(pictured, { ...draftOf(pictured), image: null }))).toBe(true);
  });

  it('knows when a patch makes a new version', () => {
    const d = draftOf(item);
    expect(makesNewVersion(item, editPatch(item, { ...d, status: 'pretest' }))).toBe(false);
    expect(makesNewVersion(item, editPatch(item, { ...d, key: 'B' }))).toBe(true);
    expect(makesNewVersion(item, editPatch(item, { ...d, options: [...d.options, { id: 'D', text: 'More' }] }))).toBe(true);
  });

  it('parses topics and searches id, stem and options', () => {
    expect(parseTopics(' a-b, c  ,A-B,')).toEqual(['a-b', 'c']);
    expect(matchesSearch(item, 'grn-00')).toBe(true);
    expect(matchesSearch(item, 'TRIPLE')).toBe(true);
    expect(matchesSearch(item, 'recycle')).toBe(true);
    expect(matchesSearch(item, 'lockout')).toBe(false);
  });

  it('cuts excerpts at a word', () => {
    expect(excerpt('short')).toBe('short');
    expect(excerpt('one two three four five six seven', 20)).toBe('one two three four…');
  });
});

describe('coverage and statistics', () => {
  it('levels coverage at 1.0x and 1.6x of need', () => {
    expect(coverageLevel(7, 8)).toBe('short');
    expect(coverageLevel(8, 8)).toBe('thin');
    expect(coverageLevel(12, 8)).toBe('thin');
    expect(coverageLevel(13, 8)).toBe('ok');
    expect(coverageLevel(0, 0)).toBe('ok');
  });

  it('formats statistics with a true minus and a dash for undefined values', () => {
    expect(fmt(-0.719, 2)).toBe('−0.72');
    expect(fmt(-0.001, 2)).toBe('0.00');
    expect(fmt(null)).toBe('—');
    expect(fmt(0.5)).toBe('0.50');
  });

  it('sorts with nulls last in both directions', () => {
    const rows = [{ id: 'a', v: 0.5 }, { id: 'b', v: null }, { id: 'c', v: 0.1 }, { id: 'd', v: 0.5 }];
    expect(sortBy(rows, (r) => r.v, 'ascending', (r) => r.id).map((r) => r.id)).toEqual(['c', 'a', 'd', 'b']);
    expect(sortBy(rows, (r) => r.v, 'descending', (r) => r.id).map((r) => r.id)).toEqual(['a', 'd', 'c', 'b']);
  });

  it('widens the discrimination axis to the data in steps of 0.2', () => {
    expect(discriminationDomain([0.1, 0.3], 0.15)).toEqual([-0.2, 0.8]);
    expect(discriminationDomain([-0.72, 0.97], 0.15)).toEqual([-0.8, 1]);
    expect(discriminationDomain([null], -1)).toEqual([-1, 0.8]);
  });
});
