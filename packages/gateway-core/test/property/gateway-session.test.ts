import { test } from '@fast-check/vitest';
import type { GatewayConnection } from '@guildkit/gateway-core';
import { prepareDispatch } from '@guildkit/gateway-core';
import fc from 'fast-check';
import { expect } from 'vitest';
import { type FakeTransport, identify, resume, Server } from '../support/harness.js';

type Step =
  | { readonly kind: 'dispatch'; readonly count: number }
  | { readonly kind: 'drop'; readonly code: number; readonly unseen: number }
  | { readonly kind: 'resume' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('dispatch' as const), count: fc.integer({ min: 1, max: 5 }) }),
  fc.record({
    kind: fc.constant('drop' as const),
    code: fc.constantFrom(1006, 4000, 4008),
    unseen: fc.integer({ min: 0, max: 3 }),
  }),
  fc.record({ kind: fc.constant('resume' as const) }),
);

test.prop([fc.array(step, { maxLength: 40 })])(
  'client-observed seqs stay contiguous across random drops and resumes: nothing lost or repeated',
  async (steps) => {
    const server = new Server();
    const first = server.connect();
    await first.connection.receive(identify());
    const session = first.connection.session!;
    const observed: number[] = [];
    let transport: FakeTransport | undefined = first.transport;
    let connection: GatewayConnection = first.connection;
    let delivered = 0;
    const take = (limit: number): void => {
      const seqs = transport!.dispatchSeqs();
      for (const seq of seqs.slice(delivered, limit)) observed.push(seq);
      delivered = Math.min(limit, seqs.length);
    };
    let dispatched = 1;
    for (const s of steps) {
      if (s.kind === 'dispatch') {
        for (let i = 0; i < s.count; i++) session.dispatch(prepareDispatch('EVENT', dispatched++));
      } else if (s.kind === 'drop' && transport !== undefined) {
        // The socket dies with its last `unseen` frames still in flight: the client never sees them.
        take(Math.max(0, transport.dispatchSeqs().length - s.unseen));
        connection.peerClosed(s.code);
        transport = undefined;
      } else if (s.kind === 'resume' && transport === undefined) {
        const next = server.connect();
        await next.connection.receive(resume(session.id, observed.at(-1) ?? 0));
        expect(next.transport.frames.at(-1)).toMatchObject({ t: 'RESUMED' });
        dispatched++;
        transport = next.transport;
        connection = next.connection;
        delivered = 0;
      }
    }
    if (transport !== undefined) take(Number.POSITIVE_INFINITY);
    expect(observed).toEqual(Array.from({ length: observed.length }, (_, i) => i + 1));
    if (transport !== undefined) expect(observed.at(-1)).toBe(dispatched);
    expect(session.seq).toBe(dispatched);
  },
);
