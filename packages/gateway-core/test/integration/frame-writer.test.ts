import { GatewayServer, prepareDispatch } from '@guildkit/gateway-core';
import { afterEach, expect, it } from 'vitest';
import { identify, TOKEN, USER } from '../support/harness.js';
import { RawClient } from '../support/raw-client.js';

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

it('frames every payload length class (7-bit, 16-bit, 64-bit) and keeps order within a tick', async () => {
  const server = new GatewayServer({
    authenticate: async (token) => (token === TOKEN ? { user: USER } : null),
    identifyConcurrency: false,
  });
  closers.push(() => server.close());
  const { port } = await server.listen();
  const client = new RawClient(`ws://127.0.0.1:${port}/?v=10&encoding=json`);
  closers.push(() => client.socket.terminate());
  expect((await client.next()).op).toBe(10);
  client.send(identify());
  const ready = await client.nextDispatch();
  const sessionId = (ready.d as { session_id: string }).session_id;

  const sizes = [1, 100, 125, 126, 65_535 - 40, 65_536, 200_000];
  // The same prepared dispatch three times: its bytes are encoded in place first, then cached.
  for (const size of sizes) {
    const prepared = prepareDispatch('BLOB', { text: 'é'.repeat(size / 2) });
    for (let copy = 0; copy < 3; copy++) server.dispatchToSession(sessionId, prepared);
  }
  for (const size of sizes)
    for (let copy = 0; copy < 3; copy++) {
      const frame = await client.nextDispatch();
      expect(frame.t).toBe('BLOB');
      expect((frame.d as { text: string }).text).toBe('é'.repeat(size / 2));
    }
});
