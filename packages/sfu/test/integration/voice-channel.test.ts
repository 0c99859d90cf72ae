import { setTimeout as sleep } from 'node:timers/promises';
import {
  type SfuChannelMove,
  SfuErrorCode,
  SfuNodeRegistry,
  VoiceStates,
  VoiceTokens,
} from '@guildkit/sfu';
import { type MediaRoom, type SdpDialect, WeriftMediaBackend } from '@guildkit/sfu/werift';
import { ManualScheduler } from '@guildkit/testkit';
import { ChannelType, PermissionFlagsBits } from 'discord-api-types/v10';
import { cleanup } from 'node-datachannel';
import { afterAll, describe, expect, it } from 'vitest';
import { codeOf } from '../support/code-of.js';
import { NdcTestClient } from '../support/ndc-client.js';
import { LOOPBACK_PEER_CONFIG, WeriftTestClient } from '../support/werift-client.js';

const GUILD = '81384788765712384';
const LOUNGE = '81384788765712390';
const MODERATOR = 'mod';
const MEMBER =
  PermissionFlagsBits.ViewChannel | PermissionFlagsBits.Connect | PermissionFlagsBits.Speak;
const PACKETS = 20;

/** Channel permissions per user; a test edits it as a guild's roles would change. */
const permissions = new Map<string, bigint>([
  [MODERATOR, MEMBER | PermissionFlagsBits.MuteMembers | PermissionFlagsBits.MoveMembers],
]);
const scheduler = new ManualScheduler();
const registry = new SfuNodeRegistry({ clock: scheduler.clock, scheduler });
const tokens = new VoiceTokens({
  keys: { k1: 'a-secret-of-at-least-32-bytes-long!!' },
  currentKeyId: 'k1',
  clock: scheduler.clock,
});
const voice = new VoiceStates({
  permissions: (_guildId, _channelId, userId) => permissions.get(userId) ?? 0n,
  channel: (_guildId, channelId) =>
    channelId === LOUNGE ? { type: ChannelType.GuildVoice, userLimit: 5 } : undefined,
});
/** Each SFU node's media backend. */
const nodes = new Map(
  ['sfu-a', 'sfu-b'].map((id) => [
    id,
    new WeriftMediaBackend({ peerConfig: LOOPBACK_PEER_CONFIG, slots: 5 }),
  ]),
);
registry.register({ id: 'sfu-a', region: 'eu', capacity: 100, endpoint: 'a.voice.test' });
registry.register({ id: 'sfu-b', region: 'eu', capacity: 100, endpoint: 'b.voice.test' });
registry.report('sfu-a', { participants: 0 });
registry.report('sfu-b', { participants: 50 });
const moves: SfuChannelMove[] = [];
registry.on('channelMoved', (move) => moves.push(move));

type Client = WeriftTestClient | NdcTestClient;
const clients: Client[] = [];

afterAll(async () => {
  for (const client of clients) await client.close();
  for (const backend of nodes.values()) await backend.close();
  registry.close();
  cleanup();
});

/** The lounge's room on each node, created by the first join there. */
const rooms = new Map<string, MediaRoom<SdpDialect>>();

async function roomOn(nodeId: string): Promise<MediaRoom<SdpDialect>> {
  const existing = rooms.get(nodeId);
  if (existing !== undefined) return existing;
  const backend = nodes.get(nodeId);
  if (backend === undefined) throw new Error(`no node ${nodeId}`);
  const room = await backend.createRoom(LOUNGE);
  rooms.set(nodeId, room);
  return room;
}

/**
 * What a client does to join voice: op 4 (voice state), then the VOICE_SERVER_UPDATE (node and
 * token), then the node verifies the token and the client negotiates media with it.
 */
async function joinVoice(client: Client, sessionId: string): Promise<string> {
  voice.update(GUILD, client.id, sessionId, {
    channel_id: LOUNGE,
    self_mute: false,
    self_deaf: false,
  });
  const { nodeId } = registry.allocate(LOUNGE, { region: 'eu', participants: 1 });
  const token = tokens.issue({
    userId: client.id,
    guildId: GUILD,
    channelId: LOUNGE,
    nodeId,
    sessionId,
  });
  const claims = tokens.verify(token, { nodeId, channelId: LOUNGE });
  const room = await roomOn(nodeId);
  const { offer } = await room.join(claims.userId, {});
  await room.connect(claims.userId, { answer: await client.answer(offer) });
  await room.produce(claims.userId, { kind: 'audio' });
  room.setCanSpeak(claims.userId, voice.canSpeak(GUILD, claims.userId));
  return token;
}

async function burst(senders: readonly Client[]): Promise<void> {
  for (let i = 0; i < PACKETS; i++) {
    for (const sender of senders) sender.send();
    await sleep(5);
  }
  await sleep(300);
}

const counters = (client: Client, senderId: string): number[] =>
  client.from(senderId).map((packet) => packet.counter);
const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from }, (_, i) => from + i);

describe('a voice channel through the control plane and the werift backend', () => {
  const werift = ['u1', 'u2', 'u3', 'u4'].map((id) => new WeriftTestClient(id));
  const ndc = new NdcTestClient('u5', 0x5eed_0005);
  const five: Client[] = [...werift, ndc];
  const [u1, u2, u3, u4] = werift as [
    WeriftTestClient,
    WeriftTestClient,
    WeriftTestClient,
    WeriftTestClient,
  ];
  let firstToken = '';

  it('five clients (one of them libdatachannel) join; everyone hears everyone, in order', async () => {
    for (const client of five) permissions.set(client.id, MEMBER);
    clients.push(...five);
    firstToken = await joinVoice(u1, 's1');
    for (const [i, client] of five.slice(1).entries()) await joinVoice(client, `s${i + 2}`);
    await Promise.all(five.map((client) => client.connected()));
    await sleep(500);
    expect(registry.nodeOf(LOUNGE)?.nodeId).toBe('sfu-a');
    expect(voice.channelMembers(GUILD, LOUNGE)).toHaveLength(5);

    await burst(five);
    for (const receiver of five)
      for (const sender of five)
        expect(counters(receiver, sender.id)).toEqual(sender === receiver ? [] : range(0, PACKETS));
  }, 20_000);

  it('refuses a sixth member at user_limit 5; the moderator (MOVE_MEMBERS) may pass', () => {
    permissions.set('u6', MEMBER);
    expect(
      codeOf(() =>
        voice.update(GUILD, 'u6', 's6', { channel_id: LOUNGE, self_mute: false, self_deaf: false }),
      ),
    ).toBe(SfuErrorCode.ChannelFull);
    expect(
      voice.update(GUILD, MODERATOR, 'sm', {
        channel_id: LOUNGE,
        self_mute: false,
        self_deaf: false,
      })?.channel_id,
    ).toBe(LOUNGE);
    voice.update(GUILD, MODERATOR, 'sm', { channel_id: null, self_mute: false, self_deaf: false });
  });

  it('stops forwarding a server-muted member and one who lost SPEAK; a leaver hears nothing more', async () => {
    voice.setServerMute(MODERATOR, GUILD, 'u3', true);
    permissions.set('u4', MEMBER & ~PermissionFlagsBits.Speak);
    const room = await roomOn('sfu-a');
    for (const id of ['u3', 'u4']) room.setCanSpeak(id, voice.canSpeak(GUILD, id));
    voice.update(GUILD, 'u2', 's2', { channel_id: null, self_mute: false, self_deaf: false });
    await room.leave('u2');
    const u2Before = u2.received.length;

    await burst([u1, u3, u4, ndc]);
    expect(counters(u1, 'u3')).toEqual(range(0, PACKETS));
    expect(counters(u1, 'u4')).toEqual(range(0, PACKETS));
    expect(counters(ndc, 'u1')).toEqual(range(0, 2 * PACKETS));
    expect(counters(u3, 'u5')).toEqual(range(0, 2 * PACKETS));
    expect(u2.received.length).toBe(u2Before);
  }, 20_000);

  it('a drained node moves the channel; members rejoin the new node with new tokens, the old is refused', async () => {
    registry.drain('sfu-a');
    expect(moves).toEqual([
      { channelId: LOUNGE, from: 'sfu-a', to: { nodeId: 'sfu-b', endpoint: 'b.voice.test' } },
    ]);
    expect(codeOf(() => tokens.verify(firstToken, { nodeId: 'sfu-b' }))).toBe(
      SfuErrorCode.TokenWrongScope,
    );
    const again = ['u1', 'u5'].map((id) => new WeriftTestClient(id));
    clients.push(...again);
    for (const [i, client] of again.entries()) await joinVoice(client, `r${i}`);
    await Promise.all(again.map((client) => client.connected()));
    await sleep(500);
    await burst(again);
    const [first, second] = again as [WeriftTestClient, WeriftTestClient];
    expect(counters(first, 'u5')).toEqual(range(0, PACKETS));
    expect(counters(second, 'u1')).toEqual(range(0, PACKETS));
  }, 20_000);
});
