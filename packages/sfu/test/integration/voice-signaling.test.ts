import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { type SdpDialect, VoiceNode, type VoiceServerMessage, VoiceTokens } from '@guildkit/sfu';
import { WeriftMediaBackend } from '@guildkit/sfu/werift';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { LOOPBACK_PEER_CONFIG, WeriftTestClient } from '../support/werift-client.js';

const GUILD = '100000000000000001';
const LOUNGE = '100000000000000002';
type Message = VoiceServerMessage<SdpDialect>;

const tokens = new VoiceTokens({
  keys: { k1: 'a-secret-of-at-least-32-bytes-long!!' },
  currentKeyId: 'k1',
});
const muted = new Set<string>();
const backend = new WeriftMediaBackend({ peerConfig: LOOPBACK_PEER_CONFIG, slots: 4 });
const node = new VoiceNode({
  nodeId: 'sfu-a',
  tokens,
  backend,
  canSpeak: (_guildId, userId) => !muted.has(userId),
});
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
wss.on('connection', (socket) => {
  const session = node.open((message) => socket.send(JSON.stringify(message)));
  socket.on('message', (data) => void session.receive(String(data)));
  socket.on('close', () => void session.close());
});
await new Promise((resolve) => wss.once('listening', resolve));
const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;

/** A client's signaling connection: every message it got, and a way to wait for the next one. */
class Signaling {
  readonly messages: Message[] = [];
  readonly socket: WebSocket;
  readonly #waiters: Array<(message: Message) => void> = [];

  constructor() {
    this.socket = new WebSocket(url);
    this.socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as Message;
      this.messages.push(message);
      for (const waiter of this.#waiters.splice(0)) waiter(message);
    });
  }

  /** Sends `raw` and resolves with the first later message of one of `ops`. */
  async request(raw: unknown, ops: readonly Message['op'][]): Promise<Message> {
    const seen = this.messages.length;
    if (this.socket.readyState !== WebSocket.OPEN) {
      await new Promise((resolve) => this.socket.once('open', resolve));
    }
    this.socket.send(typeof raw === 'string' ? raw : JSON.stringify(raw));
    return this.next(ops, seen);
  }

  /** Resolves with the first message of one of `ops` at or after index `from`. */
  async next(ops: readonly Message['op'][], from = 0): Promise<Message> {
    for (;;) {
      const found = this.messages.slice(from).find((message) => ops.includes(message.op));
      if (found) return found;
      await new Promise<Message>((resolve) => this.#waiters.push(resolve));
    }
  }

  of<O extends Message['op']>(op: O): Extract<Message, { op: O }>[] {
    return this.messages.filter(
      (message): message is Extract<Message, { op: O }> => message.op === op,
    );
  }
}

/** Signed with a key of the same id but another secret. */
const forged = new VoiceTokens({
  keys: { k1: 'another-secret-of-at-least-32-bytes!' },
  currentKeyId: 'k1',
}).issue({
  userId: 'mallory',
  guildId: GUILD,
  channelId: LOUNGE,
  nodeId: 'sfu-a',
  sessionId: 'gw',
});

const tokenFor = (userId: string, nodeId = 'sfu-a'): string =>
  tokens.issue({ userId, guildId: GUILD, channelId: LOUNGE, nodeId, sessionId: `gw-${userId}` });

interface Member {
  readonly media: WeriftTestClient;
  readonly signaling: Signaling;
}

async function join(userId: string): Promise<Member> {
  const media = new WeriftTestClient(userId);
  const signaling = new Signaling();
  const joined = await signaling.request({ op: 'join', token: tokenFor(userId), request: {} }, [
    'joined',
    'error',
  ]);
  if (joined.op !== 'joined') throw new Error(`join failed: ${JSON.stringify(joined)}`);
  const answer = await media.answer(joined.response.offer);
  expect(
    await signaling.request({ op: 'connect', request: { answer } }, ['connected', 'error']),
  ).toEqual({
    op: 'connected',
  });
  expect(
    await signaling.request({ op: 'produce', request: { kind: 'audio' } }, ['produced', 'error']),
  ).toEqual({ op: 'produced', response: { mid: '0' } });
  return { media, signaling };
}

async function burst(senders: readonly Member[], count = 10): Promise<void> {
  for (let i = 0; i < count; i++) {
    for (const sender of senders) sender.media.send(-20);
    await sleep(5);
  }
  await sleep(300);
}

const members: Member[] = [];
afterAll(async () => {
  for (const member of members) {
    member.signaling.socket.close();
    await member.media.close();
  }
  await node.close();
  await backend.close();
  for (const socket of wss.clients) socket.terminate();
  await new Promise((resolve) => wss.close(resolve));
});

describe('VoiceNode over a WebSocket on 127.0.0.1', () => {
  it('greets with hello and answers bad messages with typed errors, in order', async () => {
    const signaling = new Signaling();
    expect(await signaling.next(['hello'])).toEqual({ op: 'hello', hello: { dialect: 'sdp' } });
    expect(await signaling.request('{not json', ['error'])).toMatchObject({
      op: 'error',
      request: null,
      code: 'GK_SFU_INVALID_SIGNAL',
    });
    expect(await signaling.request({ op: 'dance' }, ['error'])).toMatchObject({
      request: null,
      code: 'GK_SFU_INVALID_SIGNAL',
    });
    expect(
      await signaling.request({ op: 'connect', request: { answer: 'x' } }, ['error']),
    ).toMatchObject({
      request: 'connect',
      code: 'GK_SFU_NOT_CONNECTED',
    });
    expect(
      await signaling.request({ op: 'join', token: tokenFor('mallory', 'sfu-b'), request: {} }, [
        'error',
      ]),
    ).toMatchObject({ request: 'join', code: 'GK_SFU_TOKEN_WRONG_SCOPE' });
    expect(
      await signaling.request({ op: 'join', token: forged, request: {} }, ['error']),
    ).toMatchObject({ request: 'join', code: 'GK_SFU_TOKEN_FORGED' });
    expect(node.rooms().size).toBe(0);
    signaling.socket.close();
  });

  it('joins three clients through hello → join → connect → produce; consumers, media and speaking reach everyone', async () => {
    for (const id of ['alice', 'bob', 'carol']) members.push(await join(id));
    const [alice, bob, carol] = members as [Member, Member, Member];
    await Promise.all(members.map((member) => member.media.connected()));
    await sleep(300);
    expect(node.rooms()).toEqual(new Map([[LOUNGE, ['alice', 'bob', 'carol']]]));
    expect(alice.signaling.of('consumer').map((m) => m.consumer.sourcePeerId)).toEqual([
      'bob',
      'carol',
    ]);
    expect(carol.signaling.of('joined')[0]?.response.consumers.map((c) => c.sourcePeerId)).toEqual([
      'alice',
      'bob',
    ]);

    await burst(members);
    for (const receiver of members)
      for (const sender of members) {
        const expected = receiver === sender ? [] : [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
        expect(receiver.media.from(sender.media.id).map((p) => p.counter)).toEqual(expected);
      }
    await sleep(300);
    for (const member of [alice, bob, carol]) {
      const speaking = member.signaling.of('speaking');
      for (const id of ['alice', 'bob', 'carol']) {
        expect(speaking.filter((m) => m.userId === id).map((m) => m.speaking)).toEqual([
          true,
          false,
        ]);
      }
    }
  }, 20_000);

  it('stops forwarding a user that may no longer speak after recheck', async () => {
    const [alice, bob] = members as [Member, Member];
    muted.add('bob');
    await expect(node.recheck(GUILD, 'bob')).resolves.toBe(true);
    const before = alice.media.from('bob').length;
    await burst([bob]);
    expect(alice.media.from('bob').length).toBe(before);
    muted.delete('bob');
    await node.recheck(GUILD, 'bob');
    await burst([bob]);
    expect(alice.media.from('bob').length).toBe(before + 10);
  }, 10_000);

  it('removes a disconnected user, replaces a user who joins again, and closes the room when the last one leaves', async () => {
    const [alice, bob, carol] = members as [Member, Member, Member];
    await expect(node.disconnect(GUILD, 'carol')).resolves.toBe(true);
    expect(await carol.signaling.next(['left'])).toEqual({ op: 'left', reason: 'removed' });
    await sleep(50);
    expect(alice.signaling.of('consumer').at(-1)?.consumer.sourcePeerId).toBeNull();

    const again = await join('alice');
    members.push(again);
    expect(await alice.signaling.next(['left'])).toEqual({ op: 'left', reason: 'replaced' });
    expect(node.rooms().get(LOUNGE)?.sort()).toEqual(['alice', 'bob']);

    expect(await bob.signaling.request({ op: 'leave' }, ['left'])).toEqual({
      op: 'left',
      reason: 'request',
    });
    again.signaling.socket.close();
    for (let i = 0; i < 50 && node.rooms().size > 0; i++) await sleep(20);
    expect(node.rooms().size).toBe(0);
    await expect(backend.createRoom(LOUNGE)).resolves.toBeDefined();
  }, 20_000);
});
