import { setTimeout as sleep } from 'node:timers/promises';
import { cleanup } from 'node-datachannel';
import { afterAll, describe, expect, it } from 'vitest';
import { WeriftMediaBackend } from '../../src/werift.js';
import { NdcTestClient } from '../support/ndc-client.js';
import { LOOPBACK_PEER_CONFIG, WeriftTestClient } from '../support/werift-client.js';

const PACKETS = 50;
const NDC_SSRC = 0x5eed_0001;
const backend = new WeriftMediaBackend({ peerConfig: LOOPBACK_PEER_CONFIG, slots: 3 });
const room = await backend.createRoom('222222222222222222');
const alice = new WeriftTestClient('alice');
const ndc = new NdcTestClient('ndc', NDC_SSRC);
const bob = new WeriftTestClient('bob');
const werift = [alice, bob];
/** The source each of ndc's slot mids carries, from its join routes and later `consumer` events. */
const ndcSlots = new Map<string, string | null>();
const speaking: Array<[string, boolean]> = [];
let ndcOffer = '';
room.on('consumer', (peerId, consumer) => {
  if (peerId === 'ndc') ndcSlots.set(consumer.mid, consumer.sourcePeerId);
});
room.on('speaking', (peerId, on) => speaking.push([peerId, on]));

afterAll(async () => {
  ndc.close();
  await Promise.all(werift.map((client) => client.close()));
  await backend.close();
  cleanup();
});

/**
 * @param sdp - an offer.
 * @param mid - one of its sections.
 * @returns the SSRC the section declares.
 */
function offeredSsrc(sdp: string, mid: string): number {
  const section = sdp
    .split(/\r?\n(?=m=)/)
    .find((text) => new RegExp(`^a=mid:${mid}$`, 'm').test(text));
  return Number(section?.match(/^a=ssrc:(\d+) /m)?.[1]);
}

function expectContiguous(sequenceNumbers: readonly number[]): void {
  for (let i = 1; i < sequenceNumbers.length; i++) {
    expect(((sequenceNumbers[i] ?? 0) - (sequenceNumbers[i - 1] ?? 0)) & 0xffff).toBe(1);
  }
}

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from }, (_, i) => from + i);

describe('a libdatachannel client in a WeriftMediaBackend room', () => {
  it('answers the server offer with a BUNDLEd, SSRC-declaring answer and connects next to werift clients', async () => {
    const { offer: aliceOffer } = await room.join('alice', {});
    await room.connect('alice', { answer: await alice.answer(aliceOffer) });
    await room.produce('alice', { kind: 'audio' });

    const { offer, consumers } = await room.join('ndc', {});
    ndcOffer = offer;
    for (const consumer of consumers) ndcSlots.set(consumer.mid, consumer.sourcePeerId);
    const answer = await ndc.answer(offer);
    expect(answer).toMatch(/^a=group:BUNDLE 0 1 2 3$/m);
    expect(answer).toMatch(new RegExp(`^a=ssrc:${NDC_SSRC} cname:`, 'm'));
    expect(answer).toMatch(/^a=candidate:.* 127\.0\.0\.1 \d+ typ host/m);
    await room.connect('ndc', { answer });
    await room.produce('ndc', { kind: 'audio' });

    const { offer: bobOffer } = await room.join('bob', {});
    await room.connect('bob', { answer: await bob.answer(bobOffer) });
    await room.produce('bob', { kind: 'audio' });

    await Promise.all([ndc.connected(), alice.connected(), bob.connected()]);
    await sleep(300);
    expect(ndc.payloadType).toBeGreaterThanOrEqual(96);
    expect([...ndcSlots.values()]).toEqual(['alice', 'bob']);
  }, 10_000);

  it('forwards raw RTP in both directions, in order, on the routed slots', async () => {
    for (let i = 0; i < PACKETS; i++) {
      ndc.send();
      for (const client of werift) client.send();
      await sleep(5);
    }
    await sleep(300);

    for (const receiver of werift) {
      const packets = receiver.from('ndc');
      expect(packets.map((packet) => packet.counter)).toEqual(range(0, PACKETS));
      expectContiguous(packets.map((packet) => packet.sequenceNumber));
      expect(new Set(packets.map((packet) => packet.mid)).size).toBe(1);
    }

    expect(ndc.malformed).toEqual([]);
    expect(ndc.from('ndc')).toEqual([]);
    for (const [mid, source] of ndcSlots) {
      const packets = ndc.received.filter((packet) => packet.mid === mid);
      expect(packets.map((packet) => `${packet.senderId}:${packet.counter}`)).toEqual(
        range(0, PACKETS).map((counter) => `${source}:${counter}`),
      );
      expectContiguous(packets.map((packet) => packet.sequenceNumber));
      expect(new Set(packets.map((packet) => packet.ssrc))).toEqual(
        new Set([offeredSsrc(ndcOffer, mid)]),
      );
      expect(new Set(packets.map((packet) => packet.payloadType))).toEqual(
        new Set([ndc.payloadType]),
      );
    }
    expect(speaking).toContainEqual(['ndc', true]);
  });
});
