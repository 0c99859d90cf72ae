import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import type { SdpConsumer } from '../../src/media/media-backend.js';
import { WeriftMediaBackend } from '../../src/werift.js';
import { LOOPBACK_PEER_CONFIG, WeriftTestClient } from '../support/werift-client.js';

/** Four participants, two slots each: everyone hears the last two speakers. */
const backend = new WeriftMediaBackend({
  peerConfig: LOOPBACK_PEER_CONFIG,
  slots: 2,
  maxParticipants: 4,
  speakingTimeoutMs: 300,
});
const room = await backend.createRoom('444444444444444444');
const clients = ['alice', 'bob', 'carol', 'dave'].map((id) => new WeriftTestClient(id));
const [alice, bob, carol, dave] = clients as [
  WeriftTestClient,
  WeriftTestClient,
  WeriftTestClient,
  WeriftTestClient,
];
/** What each slot of alice's session carries, from her join and later consumer notices. */
const aliceSlots = new Map<string, string | null>();
room.on('consumer', (peerId, consumer) => {
  if (peerId === 'alice') aliceSlots.set(consumer.mid, consumer.sourcePeerId);
});

afterAll(async () => {
  await backend.close();
  await Promise.all(clients.map((client) => client.close()));
});

/** `senders` each send `count` loud packets, interleaved, 5 ms apart. */
async function talk(senders: readonly WeriftTestClient[], count = 10): Promise<void> {
  for (let i = 0; i < count; i++) {
    for (const sender of senders) sender.send(-20);
    await sleep(5);
  }
  await sleep(100);
}

const heard = (listener: WeriftTestClient, speaker: WeriftTestClient): number =>
  listener.from(speaker.id).length;

describe('a werift room larger than its slots (last-N speakers)', () => {
  it('holds slots + 2 participants, binding each slot at join while one is free', async () => {
    for (const client of clients) {
      const { offer, consumers } = await room.join(client.id, {});
      if (client === alice) for (const c of consumers) aliceSlots.set(c.mid, c.sourcePeerId);
      await room.connect(client.id, { answer: await client.answer(offer) });
      await room.produce(client.id, { kind: 'audio' });
    }
    await Promise.all(clients.map((client) => client.connected()));
    await sleep(300);
    expect([...aliceSlots.values()]).toEqual(['bob', 'carol']);
    await expect(room.join('erin', {})).rejects.toMatchObject({ code: 'GK_SFU_CHANNEL_FULL' });
  }, 15_000);

  it('gives a new speaker the slot of someone who never spoke, contiguously', async () => {
    await talk([dave]);
    expect([...aliceSlots.values()].sort()).toEqual(['carol', 'dave']);
    expect(heard(alice, dave)).toBe(10);
    const daveSlot = alice.from('dave');
    const steps = daveSlot
      .slice(1)
      .map((p, i) => (p.sequenceNumber - (daveSlot[i]?.sequenceNumber ?? 0)) & 0xffff);
    expect(new Set(steps)).toEqual(new Set([1]));
  }, 10_000);

  it('never takes the slot of someone still talking: a third talker is not heard until one stops', async () => {
    await talk([dave, bob]);
    expect([...aliceSlots.values()].sort()).toEqual(['bob', 'dave']);
    const before = heard(alice, carol);
    const notices: SdpConsumer[] = [];
    const record = (peerId: string, consumer: SdpConsumer): void => {
      if (peerId === 'alice') notices.push(consumer);
    };
    room.on('consumer', record);
    await talk([dave, bob, carol]);
    expect(heard(alice, carol)).toBe(before);
    expect(notices).toEqual([]);

    await sleep(350);
    await talk([carol]);
    room.off('consumer', record);
    expect(heard(alice, carol)).toBe(before + 10);
    expect(notices).toHaveLength(1);
    expect(notices[0]?.sourcePeerId).toBe('carol');
  }, 10_000);
});
