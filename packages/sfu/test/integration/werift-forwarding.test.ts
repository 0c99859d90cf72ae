import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import type { SdpConsumer } from '../../src/media/media-backend.js';
import { WeriftMediaBackend } from '../../src/werift.js';
import { LOOPBACK_PEER_CONFIG, WeriftTestClient } from '../support/werift-client.js';

const PACKETS = 50;
const backend = new WeriftMediaBackend({ peerConfig: LOOPBACK_PEER_CONFIG, slots: 4 });
const room = await backend.createRoom('111111111111111111');
const clients = ['alice', 'bob', 'carol'].map((id) => new WeriftTestClient(id));
const [alice, bob, carol] = clients as [WeriftTestClient, WeriftTestClient, WeriftTestClient];
const speaking: Array<[string, boolean]> = [];
const routes: Array<[string, SdpConsumer]> = [];
room.on('speaking', (peerId, on) => speaking.push([peerId, on]));
room.on('consumer', (peerId, consumer) => routes.push([peerId, consumer]));

afterAll(async () => {
  await backend.close();
  await Promise.all(clients.map((client) => client.close()));
});

async function burst(senders: readonly WeriftTestClient[], count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    for (const sender of senders) sender.send();
    await sleep(5);
  }
  await sleep(300);
}

function expectStream(receiver: WeriftTestClient, senderId: string, counters: number[]): void {
  const packets = receiver.from(senderId);
  expect(packets.map((packet) => packet.counter)).toEqual(counters);
  for (let i = 1; i < packets.length; i++) {
    const step =
      ((packets[i]?.sequenceNumber ?? 0) - (packets[i - 1]?.sequenceNumber ?? 0)) & 0xffff;
    expect(step).toBe(1);
  }
  expect(new Set(packets.map((packet) => packet.mid)).size).toBe(1);
}

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from }, (_, i) => from + i);

describe('WeriftMediaBackend on 127.0.0.1', () => {
  it('connects three werift clients through server offers', async () => {
    const joinRoutes = new Map<string, readonly SdpConsumer[]>();
    for (const client of clients) {
      const { offer, consumers } = await room.join(client.id, {});
      joinRoutes.set(client.id, consumers);
      await room.connect(client.id, { answer: await client.answer(offer) });
      await room.produce(client.id, { kind: 'audio' });
    }
    await Promise.all(clients.map((client) => client.connected()));
    await sleep(500);
    expect(joinRoutes.get('carol')?.map((route) => route.sourcePeerId)).toEqual(['alice', 'bob']);
    expect(routes.filter(([peerId]) => peerId === 'alice').map(([, r]) => r.sourcePeerId)).toEqual([
      'bob',
      'carol',
    ]);
  }, 10_000);

  it('forwards every stream to every other participant, in order, never back to its sender', async () => {
    await burst(clients, PACKETS);
    for (const receiver of clients) {
      expect(receiver.from(receiver.id)).toEqual([]);
      for (const sender of clients) {
        if (sender !== receiver) expectStream(receiver, sender.id, range(0, PACKETS));
      }
    }
    expect(speaking).toContainEqual(['alice', true]);
    expect(speaking).toContainEqual(['bob', true]);
  });

  it('reports speaking off after ~200 ms of silence', () => {
    expect(
      speaking
        .filter(([, on]) => !on)
        .map(([peerId]) => peerId)
        .sort(),
    ).toEqual(['alice', 'bob', 'carol']);
  });

  it('does not forward a peer that may not speak', async () => {
    room.setCanSpeak('carol', false);
    await burst(clients, 20);
    expectStream(alice, 'carol', range(0, PACKETS));
    expectStream(bob, 'carol', range(0, PACKETS));
    expectStream(carol, 'alice', range(0, PACKETS + 20));
    expectStream(alice, 'bob', range(0, PACKETS + 20));
    expect(speaking.filter(([peerId, on]) => peerId === 'carol' && on)).toHaveLength(1);
  });

  it('stops forwarding to a peer that left and frees its slots', async () => {
    const before = bob.received.length;
    await room.leave('bob');
    room.setCanSpeak('carol', true);
    await burst([alice, carol], 20);
    expect(bob.received.length).toBe(before);
    expect(alice.from('carol').map((packet) => packet.counter)).toEqual([
      ...range(0, PACKETS),
      ...range(PACKETS + 20, PACKETS + 40),
    ]);
    const carolSeq = alice.from('carol').map((packet) => packet.sequenceNumber);
    expect(new Set(carolSeq.slice(1).map((seq, i) => (seq - (carolSeq[i] ?? 0)) & 0xffff))).toEqual(
      new Set([1]),
    );
    expectStream(carol, 'alice', range(0, PACKETS + 40));
    expect(
      routes.filter(([, route]) => route.sourcePeerId === null).map(([peerId]) => peerId),
    ).toEqual(['alice', 'carol']);
  });

  it('rejects calls for unknown peers and after close with stable codes', async () => {
    await expect(room.leave('bob')).rejects.toMatchObject({ code: 'GK_SFU_NOT_CONNECTED' });
    await expect(room.join('alice', {})).rejects.toMatchObject({ code: 'GK_SFU_DUPLICATE_PEER' });
    await room.close();
    await expect(room.join('dave', {})).rejects.toMatchObject({ code: 'GK_SFU_ROOM_CLOSED' });
  });
});
