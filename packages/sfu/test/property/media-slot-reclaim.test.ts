import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { slotToReclaim } from '../../src/media/slot-reclaim.js';

const HOLD_MS = 200;

describe('slotToReclaim (last-N speakers)', () => {
  it('takes a free slot first, else the longest-silent source past the hold, else none', () => {
    const voiced = new Map([
      ['a', 1_000],
      ['b', 700],
      ['c', 950],
    ]);
    const at = (id: string) => voiced.get(id);
    const slot = (sourcePeerId: string | null) => ({ sourcePeerId });
    expect(slotToReclaim([slot('a'), slot(null), slot('b')], at, 1_000, HOLD_MS)).toBe(1);
    expect(slotToReclaim([slot('a'), slot('c'), slot('b')], at, 1_000, HOLD_MS)).toBe(2);
    expect(slotToReclaim([slot('a'), slot('c')], at, 1_000, HOLD_MS)).toBeUndefined();
    expect(slotToReclaim([slot('a'), slot('never')], at, 1_000, HOLD_MS)).toBe(1);
    expect(slotToReclaim([], at, 1_000, HOLD_MS)).toBeUndefined();
  });

  test.prop([
    fc.integer({ min: 1, max: 6 }),
    fc.array(fc.record({ speaker: fc.integer({ min: 0, max: 11 }), gapMs: fc.nat(300) }), {
      maxLength: 300,
    }),
  ])(
    'a listener never carries a source twice, never drops a talking source, and a talker finds a slot whenever one is free or silent',
    (slotCount, packets) => {
      const slots: Array<{ sourcePeerId: string | null }> = Array.from(
        { length: slotCount },
        () => ({ sourcePeerId: null }),
      );
      const lastVoiced = new Map<string, number>();
      let now = 0;
      for (const { speaker, gapMs } of packets) {
        now += gapMs;
        const id = `s${speaker}`;
        lastVoiced.set(id, now);
        if (slots.some((slot) => slot.sourcePeerId === id)) continue;
        const index = slotToReclaim(slots, (peer) => lastVoiced.get(peer), now, HOLD_MS);
        const talkers = slots.filter(
          (slot) =>
            slot.sourcePeerId !== null &&
            now - (lastVoiced.get(slot.sourcePeerId) ?? Number.NEGATIVE_INFINITY) < HOLD_MS,
        ).length;
        if (index === undefined) {
          expect(talkers).toBe(slotCount);
          continue;
        }
        const evicted = slots[index]?.sourcePeerId ?? null;
        if (evicted !== null) {
          expect(now - (lastVoiced.get(evicted) ?? 0)).toBeGreaterThanOrEqual(HOLD_MS);
        }
        slots[index] = { sourcePeerId: id };
        const carried = slots.map((slot) => slot.sourcePeerId).filter((s) => s !== null);
        expect(new Set(carried).size).toBe(carried.length);
      }
    },
  );
});
