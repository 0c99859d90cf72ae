import type { WebSocketManagerOptions } from '@discordjs/ws';
import type { APIGatewayBotInfo } from 'discord-api-types/v10';
import { expect } from 'vitest';

/**
 * Stands in for discord.js's REST client: `@discordjs/ws`'s manager only asks it for
 * `GET /gateway/bot`, which here points at the test server.
 */
export function restFor(url: string): WebSocketManagerOptions['rest'] {
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
