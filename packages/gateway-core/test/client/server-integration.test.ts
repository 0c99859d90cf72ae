import { test } from '@fast-check/vitest';
import { GatewayClientError } from '@guildkit/gateway-core/client';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LiveGateway, nextEvent } from './support/live-gateway.js';

const WAIT = { timeout: 20_000, interval: 10 } as const;

const gateways: LiveGateway[] = [];

afterEach(async () => {
  await Promise.all(gateways.splice(0).map((gateway) => gateway.stop()));
});

async function startGateway(): Promise<LiveGateway> {
  const gateway = new LiveGateway();
  gateways.push(gateway);
  await gateway.start();
  return gateway;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

describe('GatewayClient against GatewayServer over 127.0.0.1', () => {
  it('identifies, gets READY with seq 1, then receives dispatches in order', async () => {
    const gateway = await startGateway();
    const client = gateway.client();
    const seqs: number[] = [];
    client.on('dispatch', (payload) => seqs.push(payload.s));
    await client.connect();
    const sessionId = client.sessionId!;
    expect(sessionId).toEqual(expect.any(String));
    expect(gateway.dispatch(sessionId, 2)).toBe(2);
    expect(gateway.dispatch(sessionId, 3)).toBe(3);
    await vi.waitFor(() => expect(seqs).toEqual([1, 2, 3]), WAIT);
    expect(client.sequence).toBe(3);
  });

  it('resumes after the server side cuts the socket and gets the dispatches sent meanwhile, once each', async () => {
    const gateway = await startGateway();
    // A draw near 1 makes the first reconnect wait ~500 ms, so the dispatches below are sent
    // while the client is away.
    const client = gateway.client({ backoff: { baseMs: 500, maxMs: 500 }, random: () => 0.99 });
    const seqs: number[] = [];
    const events: string[] = [];
    client.on('dispatch', (payload) => seqs.push(payload.s));
    client.on('resumed', () => events.push('resumed'));
    await client.connect();
    const sessionId = client.sessionId!;
    gateway.dispatch(sessionId, 2);
    await vi.waitFor(() => expect(seqs).toEqual([1, 2]), WAIT);

    const closed = nextEvent(client, 'close');
    expect(gateway.cut()).toBe(1);
    await closed;
    expect(gateway.dispatch(sessionId, 3)).toBe(3);
    expect(gateway.dispatch(sessionId, 4)).toBe(4);
    await nextEvent(client, 'resumed');

    expect(seqs).toEqual([1, 2, 3, 4, 5]);
    expect(events).toEqual(['resumed']);
    expect(client.sessionId).toBe(sessionId);
    expect(gateway.dispatch(sessionId, 6)).toBe(6);
    await vi.waitFor(() => expect(seqs).toEqual(range(1, 6)), WAIT);
  });

  it('rejects connect() with a fatal error carrying 4004 on a bad token', async () => {
    const gateway = await startGateway();
    const client = gateway.client({ token: 'wrong' });
    const failure = await client.connect().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GatewayClientError);
    expect(failure).toMatchObject({ code: 'GK_GATEWAY_CLIENT_FATAL_CLOSE', closeCode: 4004 });
  });

  it('measures the ping of its first heartbeat', async () => {
    const gateway = await startGateway();
    const client = gateway.client({ random: () => 0 });
    const acked = new Promise<number>((resolve) => client.once('heartbeatAck', resolve));
    await client.connect();
    expect(await acked).toBeGreaterThanOrEqual(0);
    expect(client.ping).toEqual(expect.any(Number));
  });
});

type Step =
  | { readonly kind: 'burst'; readonly count: number }
  | { readonly kind: 'cut'; readonly pauseMs: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('burst' as const), count: fc.integer({ min: 1, max: 8 }) }),
  // The pause lets the next step land in different phases of the client's reconnect.
  fc.record({ kind: fc.constant('cut' as const), pauseMs: fc.integer({ min: 0, max: 60 }) }),
);

test.prop([fc.array(step, { minLength: 1, maxLength: 8 })], { numRuns: 10 })(
  'over random bursts and socket cuts the client observes exactly seqs 1..n, each dispatch once',
  async (steps) => {
    const gateway = await startGateway();
    const client = gateway.client({ backoff: { baseMs: 30, maxMs: 120 } });
    const seqs: number[] = [];
    client.on('dispatch', (payload) => seqs.push(payload.s));
    await client.connect();
    const sessionId = client.sessionId!;
    const sent: number[] = [];
    let n = 0;
    const send = (): void => {
      const seq = gateway.dispatch(sessionId, ++n);
      if (seq !== undefined) sent.push(seq);
    };
    for (const s of steps) {
      if (s.kind === 'cut') {
        gateway.cut();
        await new Promise((resolve) => setTimeout(resolve, s.pauseMs));
        continue;
      }
      for (let i = 0; i < s.count; i++) send();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    send();
    // Every dispatch the server accepted reaches the client; RESUMED frames take seqs too.
    await vi.waitFor(() => expect(seqs).toEqual(expect.arrayContaining(sent)), WAIT);
    expect(sent).toHaveLength(n);
    expect(seqs).toEqual(range(1, seqs.length));
    expect(client.sessionId).toBe(sessionId);
    await gateway.stop();
    gateways.splice(gateways.indexOf(gateway), 1);
  },
);
