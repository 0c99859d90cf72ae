import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { speakingChanges } from '../../src/media/mediasoup/speaking-changes.js';
import { pickWorker, type WorkerLoad } from '../../src/media/mediasoup/worker-pool.js';

const load = (transports: number, routers: number, excluded = false): WorkerLoad => ({
  transports,
  routers,
  excluded,
});

describe('pickWorker (router placement)', () => {
  it('takes the worker with the fewest transports, then the fewest routers', () => {
    expect(pickWorker([load(4, 1), load(2, 3), load(2, 1), load(9, 0)], 0)).toBe(2);
  });

  it('skips excluded workers, and finds none when all are', () => {
    expect(pickWorker([load(0, 0, true), load(5, 5)], 0)).toBe(1);
    expect(pickWorker([load(0, 0, true), load(0, 0, true)], 0)).toBe(-1);
    expect(pickWorker([], 3)).toBe(-1);
  });

  it('goes round-robin among equals when the cursor follows each pick', () => {
    const loads = [load(0, 0), load(0, 0), load(0, 0)];
    const picks: number[] = [];
    let cursor = 0;
    for (let i = 0; i < 6; i++) {
      const index = pickWorker(loads, cursor);
      picks.push(index);
      cursor = index + 1;
    }
    expect(picks).toEqual([0, 1, 2, 0, 1, 2]);
  });

  const loads = fc.array(
    fc.record({ transports: fc.nat(20), routers: fc.nat(5), excluded: fc.boolean() }),
    { maxLength: 8 },
  );

  test.prop([loads, fc.integer({ min: -50, max: 50 })])(
    'picks a least loaded non-excluded worker, or -1 exactly when every worker is excluded',
    (candidates, cursor) => {
      const index = pickWorker(candidates, cursor);
      const open = candidates.filter((candidate) => !candidate.excluded);
      if (open.length === 0) {
        expect(index).toBe(-1);
        return;
      }
      const chosen = candidates[index];
      expect(chosen?.excluded).toBe(false);
      for (const other of open) {
        const lighter =
          other.transports < chosen!.transports ||
          (other.transports === chosen!.transports && other.routers < chosen!.routers);
        expect(lighter).toBe(false);
      }
    },
  );
});

describe('speakingChanges (audio-level reports of one router)', () => {
  it('stops who fell silent, then starts who began, each in report order', () => {
    expect(speakingChanges(new Set(['alice', 'bob']), new Set(['carol', 'bob', 'dave']))).toEqual([
      ['alice', false],
      ['carol', true],
      ['dave', true],
    ]);
  });

  it('stops everyone on silence and reports nothing for an unchanged set', () => {
    expect(speakingChanges(new Set(['alice', 'bob']), new Set())).toEqual([
      ['alice', false],
      ['bob', false],
    ]);
    expect(speakingChanges(new Set(['alice']), new Set(['alice']))).toEqual([]);
  });

  const peerSets = fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'e'));

  test.prop([fc.array(peerSets, { minLength: 1, maxLength: 20 })])(
    'replaying the changes of a sequence of reports always yields the last report',
    (reports) => {
      const speaking = new Set<string>();
      let previous = new Set<string>();
      for (const report of reports) {
        const next = new Set(report);
        for (const [peerId, on] of speakingChanges(previous, next)) {
          expect(speaking.has(peerId)).toBe(!on);
          if (on) speaking.add(peerId);
          else speaking.delete(peerId);
        }
        previous = next;
      }
      expect([...speaking].sort()).toEqual([...previous].sort());
    },
  );
});
