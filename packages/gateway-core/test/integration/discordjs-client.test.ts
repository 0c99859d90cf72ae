import {
  WebSocketManager,
  type WebSocketManagerOptions,
  WebSocketShardEvents,
} from '@discordjs/ws';
import { type AuthenticatedUser, GatewayServer, prepareDispatch } from '@guildkit/gateway-core';
import {
  type APIGatewayBotInfo,
  GatewayDispatchEvents,
  GatewayIntentBits,
} from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import { TOKEN, USER } from '../support/harness.js';

const cleanup: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** Stands in for discord.js's REST client: only `GET /gateway/bot` is used by the manager. */
function restFor(url: string): WebSocketManagerOptions['rest'] {
  const info: APIGatewayBotInfo = {
    url,
    shards: 1,
    session_start_limit: { total: 1000, remaining: 1000, reset_after: 60_000, max_concurrency: 1 },
  };
  const rest = {
    get: async (route: string): Promise<APIGatewayBotInfo> => {
      expect(route).toBe('/gateway/bot');
      return info;
    },
  };
  return rest as unknown as WebSocketManagerOptions['rest'];
}

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
