import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { WeriftMediaBackend } from '../../src/werift.js';
import { LOOPBACK_PEER_CONFIG, WeriftTestClient } from '../support/werift-client.js';

/** UDP sockets open in this process, by Node's own count. */
const udpSockets = (): number =>
  process.getActiveResourcesInfo().filter((resource) => resource === 'UDPWrap').length;
const udpBefore = udpSockets();
const backend = new WeriftMediaBackend({
  peerConfig: LOOPBACK_PEER_CONFIG,
  slots: 2,
  speakingTimeoutMs: 100,
});
const room = await backend.createRoom('333333333333333333');
const alice = new WeriftTestClient('alice');
const bob = new WeriftTestClient('bob');
const speaking: Array<[string, boolean]> = [];
room.on('speaking', (peerId, on) => speaking.push([peerId, on]));

afterAll(async () => {
  await backend.close();
  await Promise.all([alice.close(), bob.close()]);
});

async function burst(sender: WeriftTestClient, count: number, levelDbov?: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    sender.send(levelDbov);
    await sleep(5);
  }
  await sleep(200);
}

describe('the SDP dialect of WeriftMediaBackend', () => {
  it('says hello as the sdp dialect', async () => {
    await expect(backend.hello()).resolves.toEqual({ dialect: 'sdp' });
  });

  it('refuses malformed join, connect and produce requests with GK_SFU_INVALID_SIGNAL', async () => {
    await expect(room.join('mallory', null as never)).rejects.toMatchObject({
      code: 'GK_SFU_INVALID_SIGNAL',
    });
    await room.join('mallory', {});
    await expect(room.connect('mallory', {} as never)).rejects.toMatchObject({
      code: 'GK_SFU_INVALID_SIGNAL',
    });
    await expect(room.connect('mallory', { answer: 'v=0\r\nnot an answer' })).rejects.toMatchObject(
      { code: 'GK_SFU_NEGOTIATION_FAILED' },
    );
    await expect(room.produce('mallory', { kind: 'video' } as never)).rejects.toMatchObject({
      code: 'GK_SFU_INVALID_SIGNAL',
    });
    await expect(room.produce('nobody', { kind: 'audio' })).rejects.toMatchObject({
      code: 'GK_SFU_NOT_CONNECTED',
    });
    await room.leave('mallory');
  });

  it('forwards a participant only once it produces, and answers produce with the uplink mid', async () => {
    for (const client of [alice, bob]) {
      const { offer } = await room.join(client.id, {});
      await room.connect(client.id, { answer: await client.answer(offer) });
    }
    await Promise.all([alice.connected(), bob.connected()]);
    await expect(room.produce('alice', { kind: 'audio' })).resolves.toEqual({ mid: '0' });
    await sleep(300);

    await burst(bob, 10);
    expect(alice.from('bob')).toEqual([]);

    await room.produce('bob', { kind: 'audio' });
    await burst(bob, 10);
    expect(alice.from('bob').map((packet) => packet.counter)).toEqual([
      10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
    ]);
  }, 10_000);

  it('derives speaking from RFC 6464 audio levels: loud speaks, quiet is forwarded but silent', async () => {
    speaking.length = 0;
    await burst(bob, 10, -100);
    expect(speaking).toEqual([]);
    expect(alice.from('bob')).toHaveLength(20);

    await burst(alice, 10, -20);
    expect(speaking).toEqual([
      ['alice', true],
      ['alice', false],
    ]);
  }, 10_000);

  it('closes every socket it opened: one bundled transport per participant, released on close', async () => {
    expect(udpSockets() - udpBefore).toBeGreaterThan(0);
    await backend.close();
    await Promise.all([alice.close(), bob.close()]);
    await sleep(100);
    expect(udpSockets()).toBe(udpBefore);
  });
});
