import { afterEach, describe, expect, it, vi } from 'vitest';
import { LiveGateway, nextEvent } from './support/live-gateway.js';

// Expected to fail until GatewayServer supports `compress=zlib-stream` (today it closes the
// handshake with 4002).

const WAIT = { timeout: 20_000, interval: 10 } as const;

const gateways: LiveGateway[] = [];

afterEach(async () => {
  await Promise.all(gateways.splice(0).map((gateway) => gateway.stop()));
});

describe('GatewayClient with compress: true against GatewayServer', () => {
  it('gets READY and dispatches over zlib-stream, and resumes after a cut', async () => {
    const gateway = new LiveGateway();
    gateways.push(gateway);
    await gateway.start();
    const client = gateway.client({ compress: true });
    const seqs: number[] = [];
    client.on('dispatch', (payload) => seqs.push(payload.s));
    const closedFirst = new Promise<never>((_, reject) =>
      client.once('close', ({ code, reason }) =>
        reject(new Error(`the server closed with ${code} (${reason}) before READY`)),
      ),
    );
    await Promise.race([client.connect(), closedFirst]);
    const sessionId = client.sessionId!;
    gateway.dispatch(sessionId, 2);
    gateway.dispatch(sessionId, 3);
    await vi.waitFor(() => expect(seqs).toEqual([1, 2, 3]), WAIT);

    const resumed = nextEvent(client, 'resumed');
    gateway.cut();
    gateway.dispatch(sessionId, 4);
    await resumed;
    await vi.waitFor(() => expect(seqs).toEqual([1, 2, 3, 4, 5]), WAIT);
  });
});
