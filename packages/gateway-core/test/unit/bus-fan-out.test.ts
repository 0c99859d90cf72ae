import {
  BusFanOut,
  GatewayError,
  GatewayFanOut,
  type GatewayFanOutOptions,
  GatewaySession,
  MemoryEventBus,
  MemoryEventHub,
} from '@guildkit/gateway-core';
import { GatewayIntentBits } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeTransport, TOKEN, USER } from '../support/harness.js';

const GUILD = '81384788765712384';
const CHANNEL = '81384788765712390';
const SECRET_CHANNEL = '81384788765712391';
const INTENTS =
  GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages | GatewayIntentBits.DirectMessages;

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

function session(
  id: string,
  userId: string,
): { session: GatewaySession; transport: FakeTransport } {
  const transport = new FakeTransport();
  const created = new GatewaySession({
    sessionId: id,
    token: TOKEN,
    user: { ...USER, id: userId },
    intents: INTENTS,
    shard: [0, 1],
    guildIds: [GUILD],
  });
  created.attach(transport, 0);
  return { session: created, transport };
}

/** Two nodes on one in-process hub, each with its fan-out behind a BusFanOut. */
async function twoNodes(options: GatewayFanOutOptions = {}) {
  const hub = new MemoryEventHub();
  const nodes = await Promise.all(
    ['node-a', 'node-b'].map(async (nodeId) => {
      const bus = new MemoryEventBus({ nodeId, hub });
      const fanOut = new GatewayFanOut(options);
      const relay = new BusFanOut({ bus, fanOut });
      await relay.start();
      stops.push(async () => {
        await relay.stop();
        await bus.close();
      });
      return fanOut;
    }),
  );
  return nodes as [GatewayFanOut, GatewayFanOut];
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));
const events = (transport: FakeTransport) =>
  transport.frames.filter((frame) => frame.op === 0).map((frame) => frame.t);

describe('BusFanOut: channel and user events cross nodes', () => {
  it('filters a relayed channel event with each node’s channelAudience, in order with guild events', async () => {
    const [a, b] = await twoNodes({
      channelAudience: (viewer, channelId) =>
        channelId !== SECRET_CHANNEL || viewer.user.id === '2',
    });
    const onA = session('s1', '1');
    const onB = session('s2', '2');
    a.add(onA.session);
    b.add(onB.session);

    a.dispatchToGuild(GUILD, { t: 'CHANNEL_CREATE', d: { id: SECRET_CHANNEL, guild_id: GUILD } });
    a.dispatchToChannel(GUILD, SECRET_CHANNEL, {
      t: 'MESSAGE_CREATE',
      d: {
        id: '10',
        channel_id: SECRET_CHANNEL,
        guild_id: GUILD,
        author: { id: '2' },
        mentions: [],
      },
    });
    b.dispatchToChannel(GUILD, CHANNEL, {
      t: 'TYPING_START',
      d: { channel_id: CHANNEL, guild_id: GUILD, user_id: '2' },
    });
    await settle();

    expect(events(onA.transport)).toEqual(['CHANNEL_CREATE']);
    expect(events(onB.transport)).toEqual(['CHANNEL_CREATE', 'MESSAGE_CREATE']);
  });

  it('delivers a relayed user event to the user’s sessions on every node, DMs on shard 0 only', async () => {
    const [a, b] = await twoNodes();
    const first = session('s1', '7');
    const second = session('s2', '7');
    const other = session('s3', '8');
    a.add(first.session);
    b.add(second.session);
    b.add(other.session);
    b.dispatchToUser('7', {
      t: 'MESSAGE_CREATE',
      d: { id: '11', channel_id: '99', author: { id: '8' } },
    });
    await settle();
    expect(events(first.transport)).toEqual(['MESSAGE_CREATE']);
    expect(events(second.transport)).toEqual(['MESSAGE_CREATE']);
    expect(events(other.transport)).toEqual([]);
  });

  it('refuses a per-call audience, or none at all, for a channel event that must cross nodes', async () => {
    const [a] = await twoNodes();
    const dispatch = { t: 'TYPING_START', d: { channel_id: CHANNEL } };
    expect(() => a.dispatchToChannel(GUILD, CHANNEL, dispatch, () => true)).toThrow(GatewayError);
    expect(() => a.dispatchToChannel(GUILD, CHANNEL, dispatch)).toThrow(/channelAudience/);
  });
});
