import { describe, expect, it } from 'vitest';
import { memoryStore, mergeWithOutbox, Outbox, outboxKey } from '../../../client/src/lib/outbox.ts';

describe('the outbox', () => {
  it('numbers changes, persists them under the session id, and forgets an entry only when its seq is acked', () => {
    const store = memoryStore();
    const o = new Outbox('s1', store);
    const a = o.add({ type: 'answer', itemId: 'SAF-1', optionId: 'B' });
    const f = o.add({ type: 'flag', itemId: 'SAF-1', flagged: true });
    const v = o.add({ type: 'visit', itemId: 'SAF-2' });
    expect([a.seq, f.seq, v.seq]).toEqual([1, 2, 3]);
    expect(o.pendingAnswers).toBe(2);
    expect(JSON.parse(store.getItem(outboxKey('s1'))!).entries).toHaveLength(3);

    expect(o.ack(99)).toBe(false);
    expect(o.ack(a.seq)).toBe(true);
    expect(o.entries.map((e) => e.seq)).toEqual([2, 3]);

    // A reload: the same entries, and numbering continues after the last seq.
    const again = new Outbox('s1', store);
    expect(again.entries.map((e) => e.seq)).toEqual([2, 3]);
    expect(again.add({ type: 'answer', itemId: 'SAF-3', optionId: 'A' }).seq).toBe(4);
    expect(new Outbox('other', store).size).toBe(0);
  });

  it('keeps numbering after everything was acked (the last seq is persisted, not derived from entries)', () => {
    const store = memoryStore();
    const o = new Outbox('s1', store);
    for (let i = 0; i < 5; i++) o.ack(o.add({ type: 'answer', itemId: `I${i}`, optionId: 'A' }).seq);
    expect(o.size).toBe(0);
    expect(new Outbox('s1', store).add({ type: 'visit', itemId: 'I0' }).seq).toBe(6);
  });

  it('replaces an older unacked answer, flag or visit for the same question, but never merges signals', () => {
    const o = new Outbox('s1', memoryStore());
    o.add({ type: 'answer', itemId: 'Q1', optionId: 'A' });
    o.add({ type: 'answer', itemId: 'Q2', optionId: 'A' });
    o.add({ type: 'answer', itemId: 'Q1', optionId: 'C' });
    o.add({ type: 'visit', itemId: 'Q1' });
    o.add({ type: 'visit', itemId: 'Q2' });
    o.add({ type: 'signal', kind: 'focus-lost' });
    o.add({ type: 'signal', kind: 'focus-lost' });
    expect(o.entries).toEqual([
      { type: 'answer', itemId: 'Q2', optionId: 'A', seq: 2 },
      { type: 'answer', itemId: 'Q1', optionId: 'C', seq: 3 },
      { type: 'visit', itemId: 'Q2', seq: 5 },
      { type: 'signal', kind: 'focus-lost', seq: 6 },
      { type: 'signal', kind: 'focus-lost', seq: 7 },
    ]);
  });

  it('never numbers below the floor, and stays within the server 32-bit sequence columns', () => {
    const o = new Outbox('s1', memoryStore());
    expect(o.nextSeq()).toBe(1);
    expect(o.nextSeq(5000)).toBe(5000);
    expect(o.nextSeq(10)).toBe(5001);
    expect(o.nextSeq(1e12)).toBe(2_147_483_647);
  });

  it('drops refused entries, survives damaged storage and storage that throws', () => {
    const store = memoryStore();
    const o = new Outbox('s1', store);
    const e = o.add({ type: 'answer', itemId: 'Q1', optionId: 'Z' });
    expect(o.drop(e.seq)).toEqual(e);
    expect(o.size).toBe(0);

    store.setItem(outboxKey('bad'), '{not json');
    expect(new Outbox('bad', store).size).toBe(0);

    const full = { getItem: () => null, setItem: () => { throw new Error('QuotaExceededError'); }, removeItem: () => {} };
    const mem = new Outbox('s2', full);
    mem.add({ type: 'answer', itemId: 'Q1', optionId: 'A' });
    expect(mem.persistent).toBe(false);
    expect(mem.size).toBe(1);
  });

  it('merges a snapshot with the outbox: the outbox wins for the items it holds', () => {
    const server = { answers: { Q1: 'A', Q2: 'B', Q3: 'C' }, flags: { Q1: true as const }, position: 'Q1' };
    const merged = mergeWithOutbox(server, [
      { type: 'answer', itemId: 'Q2', optionId: 'D', seq: 7 },
      { type: 'answer', itemId: 'Q3', optionId: null, seq: 8 },
      { type: 'flag', itemId: 'Q1', flagged: false, seq: 9 },
      { type: 'flag', itemId: 'Q4', flagged: true, seq: 10 },
      { type: 'visit', itemId: 'Q4', seq: 11 },
      { type: 'signal', kind: 'page-hidden', seq: 12 },
    ]);
    expect(merged).toEqual({ answers: { Q1: 'A', Q2: 'D' }, flags: { Q4: true }, position: 'Q4' });
    expect(server.answers.Q2).toBe('B'); // not mutated
  });
});
