import { GatewayServer } from '@guildkit/gateway-core';
import { type APIUser, GatewayIntentBits } from 'discord-api-types/v10';
import { afterEach, expect, it } from 'vitest';
import { type Frame, RawClient } from '../support/raw-client.js';

const GUILD = '81384788765712384';
const CHANNEL = '81384788765712385';
const INTENTS = GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages;
const users = new Map<string, APIUser>(
  ['a', 'b', 'c'].map((token, n) => [
    token,
    {
      id: String(80351110224678912n + BigInt(n)),
      username: token,
      discriminator: '0',
      global_name: null,
      avatar: null,
    },
  ]),
);

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function dispatchesUntil(client: RawClient, t: string): Promise<Frame[]> {
  const frames: Frame[] = [];
  while (frames.at(-1)?.t !== t) {
    frames.push(
      await Promise.race([
        client.nextDispatch(),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no ${t}`)), 5_000)),
      ]),
    );
  }
  return frames;
}

it('a LAZY_REQUEST makes a session active in a large guild; passive ones get PASSIVE_UPDATE_V1', async () => {
  const server = new GatewayServer({
    authenticate: async (token) => {
      const user = users.get(token);
      return user === undefined ? null : { user };
    },
    guildIds: () => [GUILD],
    identifyConcurrency: false,
    fanOut: { passive: { largeGuildThreshold: 3, passiveUpdateMs: 50 } },
  });
  closers.push(() => server.close());
  const { port } = await server.listen();
  const clients = await Promise.all(
    [...users.keys()].map(async (token) => {
      const client = new RawClient(`ws://127.0.0.1:${port}/?v=10&encoding=json`);
      closers.push(() => client.socket.terminate());
      expect((await client.next()).op).toBe(10);
      client.send(
        JSON.stringify({
          op: 2,
          d: { token, intents: INTENTS, properties: { os: 'linux', browser: 'x', device: 'x' } },
        }),
      );
      expect((await client.nextDispatch()).t).toBe('READY');
      return client;
    }),
  );
  const [viewer, idle, mentioned] = clients as [RawClient, RawClient, RawClient];
  viewer.send(
    JSON.stringify({ op: 14, d: { guild_id: GUILD, channels: { [CHANNEL]: [[0, 99]] } } }),
  );
  // The lazy request is handled in order with the frames before it: a heartbeat ACK proves it.
  viewer.send(JSON.stringify({ op: 1, d: null }));
  expect((await viewer.next()).op).toBe(11);

  const message = (id: string, mentions: APIUser[] = []) => ({
    t: 'MESSAGE_CREATE',
    d: { id, channel_id: CHANNEL, guild_id: GUILD, author: { id: '1' }, mentions, content: id },
  });
  expect(server.fanOut.isLargeGuild(GUILD)).toBe(true);
  server.fanOut.dispatchToGuild(GUILD, message('500'));
  server.fanOut.dispatchToGuild(GUILD, message('501', [users.get('c') as APIUser]));

  expect((await dispatchesUntil(viewer, 'MESSAGE_CREATE')).map((f) => f.d)).toMatchObject([
    { id: '500' },
  ]);
  expect((await viewer.nextDispatch()).d).toMatchObject({ id: '501' });
  expect((await dispatchesUntil(mentioned, 'MESSAGE_CREATE')).map((f) => f.t)).toEqual([
    'MESSAGE_CREATE',
  ]);
  const idleFrames = await dispatchesUntil(idle, 'PASSIVE_UPDATE_V1');
  expect(idleFrames.map((frame) => frame.t)).toEqual(['PASSIVE_UPDATE_V1']);
  expect(idleFrames[0]?.d).toEqual({
    guild_id: GUILD,
    channels: [{ id: CHANNEL, last_message_id: '501' }],
  });
  expect((await mentioned.nextDispatch()).t).toBe('PASSIVE_UPDATE_V1');
});
