import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import type { SdpConsumer } from '../../src/media/media-backend.js';
import { WeriftMediaBackend } from '../../src/werift.js';
import { LOOPBACK_PEER_CONFIG, WeriftTestClient } from '../support/werift-client.js';

const backend = new WeriftMediaBackend({ peerConfig: LOOPBACK_PEER_CONFIG, slots: 2 });
const room = await backend.createRoom('333333333333333333');
const alice = new WeriftTestClient('alice');
const bob = new WeriftTestClient('bob');
const carol = new WeriftTestClient('carol');
const dave = new WeriftTestClient('dave');
const clients = [alice, bob, carol, dave];
const aliceRoutes: SdpConsumer[] = [];
room.on('consumer', (peerId, consumer) => {
  if (peerId === 'alice') aliceRoutes.push(consumer);
});
/** RTP timestamps alice receives, by mid, in arrival order. */
const aliceTimestamps = new Map<string, number[]>();
alice.pc.onTrack.subscribe((track) => {
  const mid = alice.pc.getTransceivers().find((t) => t.receiver.track === track)?.mid ?? '';
  track.onReceiveRtp.subscribe((rtp) => {
    aliceTimestamps.set(mid, [...(aliceTimestamps.get(mid) ?? []), rtp.header.timestamp]);
  });
});

afterAll(async () => {
  await backend.close();
  await Promise.all(clients.map((client) => client.close()));
});

async function join(client: WeriftTestClient): Promise<void> {
  const { offer } = await room.join(client.id, {});
  await room.connect(client.id, { answer: await client.answer(offer) });
  await room.produce(client.id, { kind: 'audio' });
  await client.connected();
}

async function speak(client: WeriftTestClient, packets: number): Promise<void> {
  for (let i = 0; i < packets; i++) {
    client.send();
    await sleep(20);
  }
  await sleep(300);
}

describe('a werift slot rebound to another participant', () => {
  it('continues its sequence numbers and timestamps across the change of source', async () => {
    for (const client of [alice, bob, carol]) await join(client);
    await sleep(300);
    await speak(bob, 20);
    await room.leave('bob');
    await join(dave);
    await sleep(300);
    await speak(dave, 20);

    const bobRoute = aliceRoutes.find((route) => route.sourcePeerId === 'bob');
    const daveRoute = aliceRoutes.find((route) => route.sourcePeerId === 'dave');
    expect(daveRoute?.mid).toBe(bobRoute?.mid);
    const packets = alice.received.filter((packet) => packet.mid === daveRoute?.mid);
    expect(packets.map((packet) => packet.senderId)).toEqual([
      ...Array<string>(20).fill('bob'),
      ...Array<string>(20).fill('dave'),
    ]);
    for (let i = 1; i < packets.length; i++) {
      const step =
        ((packets[i]?.sequenceNumber ?? 0) - (packets[i - 1]?.sequenceNumber ?? 0)) & 0xffff;
      expect(step).toBe(1);
    }
    const timestamps = aliceTimestamps.get(daveRoute?.mid ?? '') ?? [];
    const steps = timestamps.slice(1).map((ts, i) => (ts - (timestamps[i] ?? 0)) >>> 0);
    expect(steps.filter((step) => step === 960)).toHaveLength(38);
    // Across the change: the wall-clock time between bob's last and dave's first packet.
    const across = steps[19] ?? 0;
    expect(across).toBeGreaterThan(960);
    expect(across).toBeLessThan(48_000 * 10);
  }, 20_000);
});
