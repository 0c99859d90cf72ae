import { setTimeout as sleep } from 'node:timers/promises';
import {
  type SdpDialect,
  SfuNodeRegistry,
  VoiceNode,
  type VoiceServerMessage,
  VoiceStates,
  VoiceTokens,
} from '@guildkit/sfu';
import { WeriftMediaBackend } from '@guildkit/sfu/werift';
import { ChannelType, PermissionFlagsBits } from 'discord-api-types/v10';
import { DemoVoiceClient, LOOPBACK } from './voice-client.js';

const GUILD = '81384788765712384';
const LOUNGE = '81384788765712390';
const PACKETS = 25;

/**
 * Two members join a voice channel the way a Discord client does — voice state, a node for the
 * channel, a token, then the node's signaling (join → connect → produce) — and talk over real
 * WebRTC on 127.0.0.1.
 *
 * @param write - receives each line of output.
 */
export async function demoVoice(write: (line: string) => void): Promise<void> {
  write('== @guildkit/sfu: a voice channel on a werift SFU node');
  const registry = new SfuNodeRegistry();
  registry.register({ id: 'sfu-eu-1', region: 'eu', capacity: 500, endpoint: '127.0.0.1' });
  registry.register({ id: 'sfu-us-1', region: 'us', capacity: 500, endpoint: '127.0.0.2' });
  const voice = new VoiceStates({
    permissions: () =>
      PermissionFlagsBits.ViewChannel | PermissionFlagsBits.Connect | PermissionFlagsBits.Speak,
    channel: (_guildId, channelId) =>
      channelId === LOUNGE ? { type: ChannelType.GuildVoice, userLimit: 0 } : undefined,
  });
  const tokens = new VoiceTokens({
    keys: { k1: 'demo-secret-of-at-least-32-bytes!!' },
    currentKeyId: 'k1',
  });
  const backend = new WeriftMediaBackend({ peerConfig: LOOPBACK });
  const node = new VoiceNode({
    nodeId: 'sfu-eu-1',
    tokens,
    backend,
    canSpeak: (guildId, userId) => voice.canSpeak(guildId, userId),
  });
  const speaking = new Map<string, boolean[]>();
  const clients = new Map<string, DemoVoiceClient>();
  try {
    for (const name of ['alice', 'bob']) {
      voice.update(GUILD, name, `gateway-${name}`, {
        channel_id: LOUNGE,
        self_mute: false,
        self_deaf: false,
      });
      const { nodeId, endpoint } = registry.allocate(LOUNGE, { region: 'eu' });
      const token = tokens.issue({
        userId: name,
        guildId: GUILD,
        channelId: LOUNGE,
        nodeId,
        sessionId: `gateway-${name}`,
      });
      const inbox: VoiceServerMessage<SdpDialect>[] = [];
      const session = node.open((message) => {
        inbox.push(message);
        if (message.op === 'speaking' && name === 'alice') {
          speaking.set(message.userId, [...(speaking.get(message.userId) ?? []), message.speaking]);
        }
      });
      const client = new DemoVoiceClient(name);
      clients.set(name, client);
      await session.receive({ op: 'join', token, request: {} });
      const joined = inbox.find((message) => message.op === 'joined');
      if (joined?.op !== 'joined') throw new Error(`join failed: ${JSON.stringify(inbox.at(-1))}`);
      await session.receive({
        op: 'connect',
        request: { answer: await client.answer(joined.response.offer) },
      });
      await session.receive({ op: 'produce', request: { kind: 'audio' } });
      write(
        `  ${name} joined voice on ${nodeId} (${endpoint}): ${inbox.map((message) => message.op).join(' → ')}`,
      );
    }
    await Promise.all([...clients.values()].map((client) => client.connected()));
    await sleep(300);
    for (let i = 0; i < PACKETS; i++) {
      for (const client of clients.values()) client.send();
      await sleep(20);
    }
    await sleep(400);
    for (const [name, client] of clients) {
      for (const [sender, counters] of client.heard) {
        const inOrder = counters.every((counter, index) => counter === index);
        write(
          `  ${name} heard ${counters.length} of ${sender}'s ${PACKETS} packets${inOrder ? ', in order' : ''}`,
        );
      }
    }
    for (const [userId, changes] of speaking) {
      write(`  alice saw ${userId} speaking: ${changes.join(' then ')}`);
    }
  } finally {
    await node.close();
    await backend.close();
    await Promise.all([...clients.values()].map((client) => client.close()));
    registry.close();
  }
}
