import { record } from '@ollama-perf/testkit/records';
import { describe, expect, it } from 'vitest';
import { UnsettledRecords } from './unsettled.js';

const batch = (from: number, n: number) => Array.from({ length: n }, (_, i) => record({ id: `r${from + i}` }));
const ids = (records: Array<{ id: string }>) => records.map((r) => r.id);

describe('UnsettledRecords', () => {
  it('forgets the oldest records as the storage thread settles them, across and inside batches', () => {
    const held = new UnsettledRecords();
    held.add(batch(0, 3));
    held.add(batch(3, 4));
    held.settledUpTo(2);
    expect(held.size).toBe(5);
    held.settledUpTo(2); // the same figure pushed again settles nothing more
    held.settledUpTo(5);
    expect(held.size).toBe(2);
    expect(ids(held.takeAll())).toEqual(['r5', 'r6']);
    expect(held.size).toBe(0);
  });

  it('starts counting over after takeAll (a new thread settles from zero)', () => {
    const held = new UnsettledRecords();
    held.add(batch(0, 2));
    held.settledUpTo(1);
    held.takeAll();
    held.add(batch(10, 3));
    held.settledUpTo(1);
    expect(ids(held.takeAll())).toEqual(['r11', 'r12']);
  });

  it('never settles more than it holds', () => {
    const held = new UnsettledRecords();
    held.add(batch(0, 2));
    held.settledUpTo(9);
    expect(held.size).toBe(0);
    held.add(batch(2, 1));
    expect(ids(held.takeAll())).toEqual(['r2']);
  });
});
