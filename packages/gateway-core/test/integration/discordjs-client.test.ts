import { WebSocketManager, WebSocketShardEvents } from '@discordjs/ws';
import { type AuthenticatedUser, GatewayServer, prepareDispatch } from '@guildkit/gateway-core';
import { GatewayDispatchEvents, GatewayIntentBits } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import { restFor } from '../support/discordjs-rest.js';
import { TOKEN, USER } from '../support/harness.js';

const cleanup: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

describe('@discordjs/ws WebSocketManager against GatewayServer', () => {
  it('identifies, receives READY and then a dispatch', async () => {
    const server = new GatewayServer({
      authenticate: async (token): Promise<AuthenticatedUser | null> =>
        token === TOKEN ? { user: USER } : null,
      guildIds: () => ['1000'],
    });
    cleanup.push(() => server.close());
    const { port } = await server.listen();
    const manager = new WebSocketManager({
      token: TOKEN,
      intents: GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages,
      rest: restFor(`ws://127.0.0.1:${port}`),
    });
    cleanup.push(async () => {
      await manager.destroy();
    });

    const readyData = new Promise<{ sessionId: string; guilds: unknown }>((resolve) => {
      manager.on(WebSocketShardEvents.Ready, ({ data }) =>
        resolve({ sessionId: data.session_id, guilds: data.guilds }),
      );
    });
    const typing = new Promise<unknown>((resolve) => {
      manager.on(WebSocketShardEvents.Dispatch, ({ data }) => {
        if (data.t === GatewayDispatchEvents.TypingStart) resolve(data.d);
      });
    });
    await manager.connect();
    const { sessionId, guilds } = await readyData;
    expect(guilds).toEqual([{ id: '1000', unavailable: true }]);
    const payload = { channel_id: '2', user_id: USER.id, timestamp: 1 };
    expect(server.dispatchToSession(sessionId, prepareDispatch('TYPING_START', payload))).toBe(2);
    expect(await typing).toEqual(payload);
  });
});
