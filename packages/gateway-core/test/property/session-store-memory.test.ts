import { fc, test } from '@fast-check/vitest';
import { ManualClock } from '@guildkit/testkit';
import { expect } from 'vitest';
import { type GatewayError, GatewayErrorCode } from '../../src/errors.js';
import { MemorySessionStore } from '../../src/resume/memory-session-store.js';
import { SessionStoreErrorCode } from '../../src/resume/session-store-error.js';

/** The naive model: every frame a session ever got, in a plain array, and its deadline. */
interface ModelSession {
  frames: string[];
  expiresAtMs: number;
}

const SESSIONS = ['a', 'b', 'c'] as const;
const session = fc.constantFrom(...SESSIONS);

const command = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), session }),
  fc.record({ kind: fc.constant('delete' as const), session }),
  fc.record({ kind: fc.constant('touch' as const), session }),
  fc.record({
    kind: fc.constant('appendMany' as const),
    // offset 0 continues the session's sequence; anything else is a wrong seq.
    entries: fc.array(fc.record({ session, offset: fc.integer({ min: -2, max: 2 }) }), {
      maxLength: 8,
    }),
  }),
  fc.record({
    kind: fc.constant('since' as const),
    session,
    back: fc.integer({ min: -2, max: 40 }),
  }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 60 }) }),
);

function modelSince(entry: ModelSession | undefined, capacity: number, seq: number) {
  if (entry === undefined) return undefined;
  const last = entry.frames.length;
  if (!Number.isInteger(seq) || seq > last || seq < Math.max(0, last - capacity)) return undefined;
  return entry.frames.slice(seq);
}

test.prop([fc.integer({ min: 1, max: 12 }), fc.array(command, { maxLength: 80, size: 'max' })])(
  'agrees with a plain array model under any mix of writes, reads, expiry and errors',
  async (capacity, commands) => {
    const ttlMs = 100;
    const clock = new ManualClock(0);
    const store = new MemorySessionStore({ capacity, ttlMs, clock });
    const model = new Map<string, ModelSession>();
    const live = (id: string): ModelSession | undefined => {
      const entry = model.get(id);
      return entry !== undefined && entry.expiresAtMs > clock.now() ? entry : undefined;
    };
    let frameCount = 0;

    for (const step of commands) {
      switch (step.kind) {
        case 'create':
          await store.create({ sessionId: step.session, userId: 'u', shard: [0, 1], intents: 0 });
          model.set(step.session, { frames: [], expiresAtMs: clock.now() + ttlMs });
          break;
        case 'delete':
          expect(await store.delete(step.session)).toBe(live(step.session) !== undefined);
          model.delete(step.session);
          break;
        case 'touch': {
          const entry = live(step.session);
          expect(await store.touch(step.session)).toBe(entry !== undefined);
          if (entry !== undefined) entry.expiresAtMs = clock.now() + ttlMs;
          break;
        }
        case 'appendMany': {
          // Sequences as a caller computes them: each session's next, plus its offset.
          const next = new Map<string, number>();
          const appends = step.entries.map(({ session: id, offset }) => {
            const seq = (next.get(id) ?? (live(id)?.frames.length ?? 0) + 1) + offset;
            next.set(id, seq + 1);
            return { sessionId: id, seq, frame: `frame-${++frameCount}` };
          });
          // Per session, in first-appearance order: a batch whose own sequences skip is
          // refused first; then an unknown session; then a first seq that does not continue.
          const groups = new Map<string, number[]>();
          for (const { sessionId: id, seq } of appends)
            groups.set(id, [...(groups.get(id) ?? []), seq]);
          const bad = new Set<string>();
          const expectedCodes: string[] = [];
          for (const [id, seqs] of groups) {
            const contiguous = seqs.every((seq, i) => seq === seqs[0]! + i);
            const entry = live(id);
            const code = !contiguous
              ? GatewayErrorCode.InvalidSequence
              : entry === undefined
                ? SessionStoreErrorCode.UnknownSession
                : seqs[0] !== entry.frames.length + 1
                  ? GatewayErrorCode.InvalidSequence
                  : undefined;
            if (code === undefined) continue;
            bad.add(id);
            expectedCodes.push(code);
          }
          const outcome = await store.appendMany(appends).then(
            () => undefined,
            (error: GatewayError) => error.code,
          );
          expect(outcome).toBe(expectedCodes[0]);
          for (const { sessionId: id, frame } of appends) {
            if (!bad.has(id)) live(id)!.frames.push(frame);
          }
          for (const id of new Set(appends.map((append) => append.sessionId))) {
            if (!bad.has(id)) live(id)!.expiresAtMs = clock.now() + ttlMs;
          }
          break;
        }
        case 'since': {
          const entry = live(step.session);
          const seq = (entry?.frames.length ?? 0) - step.back;
          expect(await store.since(step.session, seq)).toEqual(modelSince(entry, capacity, seq));
          const state = await store.load(step.session);
          expect(state?.lastSeq).toBe(entry?.frames.length);
          expect(state?.expiresAtMs).toBe(entry?.expiresAtMs);
          break;
        }
        case 'advance':
          clock.advance(step.ms);
          break;
      }
    }
  },
);
