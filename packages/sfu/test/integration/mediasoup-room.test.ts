import { existsSync } from 'node:fs';
import {
  MediasoupMediaBackend,
  type MediasoupMediaRoom,
  type OrtcConsumerAdded,
  type OrtcConsumerNotice,
  type OrtcDialect,
} from '@guildkit/sfu/mediasoup';
import { type types as ms, workerBin } from 'mediasoup';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SfuError, SfuErrorCode } from '../../src/errors.js';
import {
  clientDtlsParameters,
  opusParameters,
  vp8SimulcastParameters,
} from '../support/mediasoup-payloads.js';
import { MediasoupTrace } from '../support/mediasoup-trace.js';

// mediasoup resolves its worker binary (or MEDIASOUP_WORKER_BIN) when it loads.
const HAS_WORKER = existsSync(workerBin);
const TITLE = HAS_WORKER
  ? 'MediasoupMediaBackend on a real mediasoup-worker (server side only, no client media)'
  : `mediasoup backend (skipped: no mediasoup-worker binary at ${workerBin}; see docs/voice.md)`;

type Notices = Array<[peerId: string, notice: OrtcConsumerNotice]>;

function record(room: MediasoupMediaRoom): Notices {
  const notices: Notices = [];
  room.on('consumer', (peerId, notice) => notices.push([peerId, notice]));
  return notices;
}

function addedFor(notices: Notices, peerId: string): OrtcConsumerAdded[] {
  return notices.flatMap(([to, notice]) =>
    to === peerId && notice.type === 'added' ? [notice] : [],
  );
}

function removedFor(notices: Notices, peerId: string): string[] {
  return notices.flatMap(([to, notice]) =>
    to === peerId && notice.type === 'removed' ? [notice.consumerId] : [],
  );
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(SfuError);
  return (error as SfuError).code;
}

function microphone(ssrc: number): OrtcDialect['produceRequest'] {
  return { kind: 'audio', rtpParameters: opusParameters(ssrc), source: 'microphone' };
}

const camera: OrtcDialect['produceRequest'] = {
  kind: 'video',
  rtpParameters: vp8SimulcastParameters(),
  source: 'camera',
};

describe.skipIf(!HAS_WORKER)(TITLE, () => {
  let trace: MediasoupTrace;
  let backend: MediasoupMediaBackend;
  let capabilities: ms.RtpCapabilities;

  beforeAll(async () => {
    trace = new MediasoupTrace();
    backend = new MediasoupMediaBackend({ workers: 1 });
    await backend.start();
    const hello = await backend.hello();
    expect(hello.dialect).toBe('ortc');
    capabilities = hello.routerRtpCapabilities;
  });

  afterAll(async () => {
    await backend.close();
    trace.stop();
  });

  it('says hello with the routers capabilities: Opus, VP8 and H264', () => {
    const mimeTypes = capabilities.codecs?.map((codec) => codec.mimeType);
    expect(mimeTypes).toEqual(expect.arrayContaining(['audio/opus', 'video/VP8', 'video/H264']));
  });

  it('joins three peers, and each hears the others microphones with the right producer and source', async () => {
    const room = await backend.createRoom('100');
    const notices = record(room);
    const peers = ['alice', 'bob', 'carol'];
    for (const peerId of peers) {
      const joined = await room.join(peerId, { rtpCapabilities: capabilities });
      expect(joined.sendTransport.id).not.toBe(joined.recvTransport.id);
      expect(joined.sendTransport.iceCandidates.length).toBeGreaterThan(0);
      expect(joined.consumers).toEqual([]);
      await room.connect(peerId, {
        transportId: joined.sendTransport.id,
        dtlsParameters: clientDtlsParameters(),
      });
    }
    const producerIds = new Map<string, string>();
    for (const [index, peerId] of peers.entries()) {
      const { producerId } = await room.produce(peerId, microphone(1000 + index));
      producerIds.set(peerId, producerId);
      expect(MediasoupTrace.get(trace.producers, producerId).value.kind).toBe('audio');
    }
    for (const peerId of peers) {
      const heard = addedFor(notices, peerId);
      expect(heard.map((added) => added.sourcePeerId).sort()).toEqual(
        peers.filter((other) => other !== peerId).sort(),
      );
      for (const added of heard) {
        expect(added).toMatchObject({
          kind: 'audio',
          source: 'microphone',
          producerId: producerIds.get(added.sourcePeerId),
        });
        expect(added.rtpParameters.codecs[0]?.mimeType.toLowerCase()).toBe('audio/opus');
        const consumer = MediasoupTrace.get(trace.consumers, added.consumerId).value;
        expect(consumer.producerId).toBe(added.producerId);
      }
    }
    await room.close();
  });

  it('hands a late joiner every producer in its join response, simulcast camera included', async () => {
    const room = await backend.createRoom('101');
    const notices = record(room);
    await room.join('alice', { rtpCapabilities: capabilities });
    await room.join('bob', { rtpCapabilities: capabilities });
    const mic = await room.produce('alice', microphone(2000));
    const cam = await room.produce('bob', camera);
    expect(MediasoupTrace.get(trace.producers, cam.producerId).value.type).toBe('simulcast');
    const dave = await room.join('dave', { rtpCapabilities: capabilities });
    expect(notices.filter(([peerId]) => peerId === 'dave')).toEqual([]);
    expect(
      dave.consumers.map(({ producerId, sourcePeerId, source, kind }) => ({
        producerId,
        sourcePeerId,
        source,
        kind,
      })),
    ).toEqual(
      expect.arrayContaining([
        { producerId: mic.producerId, sourcePeerId: 'alice', source: 'microphone', kind: 'audio' },
        { producerId: cam.producerId, sourcePeerId: 'bob', source: 'camera', kind: 'video' },
      ]),
    );
    expect(dave.consumers).toHaveLength(2);
    const video = dave.consumers.find((added) => added.kind === 'video')!;
    const audio = dave.consumers.find((added) => added.kind === 'audio')!;
    expect(MediasoupTrace.get(trace.consumers, video.consumerId).value.type).toBe('simulcast');
    await room.setPreferredLayers('dave', video.consumerId, { spatialLayer: 0, temporalLayer: 1 });
    expect(MediasoupTrace.get(trace.consumers, video.consumerId).value.preferredLayers).toEqual({
      spatialLayer: 0,
      temporalLayer: 1,
    });
    expect(
      await codeOf(room.setPreferredLayers('dave', audio.consumerId, { spatialLayer: 0 })),
    ).toBe(SfuErrorCode.InvalidSignal);
    await room.close();
  });

  it('replaces a source produced again, and removes a leaver from everyone', async () => {
    const room = await backend.createRoom('102');
    const notices = record(room);
    for (const peerId of ['alice', 'bob', 'carol']) {
      await room.join(peerId, { rtpCapabilities: capabilities });
    }
    const first = await room.produce('bob', camera);
    const firstAdded = addedFor(notices, 'alice').find(
      (added) => added.producerId === first.producerId,
    )!;
    const second = await room.produce('bob', camera);
    expect(MediasoupTrace.get(trace.producers, first.producerId).value.closed).toBe(true);
    expect(removedFor(notices, 'alice')).toEqual([firstAdded.consumerId]);
    expect(addedFor(notices, 'alice').map((added) => added.producerId)).toEqual([
      first.producerId,
      second.producerId,
    ]);

    await room.produce('bob', microphone(3000));
    const bobsToCarol = addedFor(notices, 'carol')
      .filter((added) => added.sourcePeerId === 'bob' && added.producerId !== first.producerId)
      .map((added) => added.consumerId);
    expect(bobsToCarol).toHaveLength(2);
    const bobsTransports = [...trace.transports.values()].filter(
      (placed) => placed.value.appData['peerId'] === 'bob',
    );
    const beforeLeave = notices.length;
    await room.leave('bob');
    const afterLeave = notices.slice(beforeLeave);
    expect(removedFor(afterLeave, 'carol').sort()).toEqual(bobsToCarol.sort());
    expect(removedFor(afterLeave, 'alice')).toHaveLength(2);
    expect(afterLeave.filter(([peerId]) => peerId === 'bob')).toEqual([]);
    expect(bobsTransports.every((placed) => placed.value.closed)).toBe(true);
    expect(await codeOf(room.leave('bob'))).toBe(SfuErrorCode.NotConnected);
    await room.close();
  });

  it('pauses the audio of a peer who may not speak, resumes it, and produces paused while muted', async () => {
    const room = await backend.createRoom('103');
    await room.join('alice', { rtpCapabilities: capabilities });
    await room.join('bob', { rtpCapabilities: capabilities });
    const { producerId } = await room.produce('alice', microphone(4000));
    const cam = await room.produce('alice', camera);
    const producer = MediasoupTrace.get(trace.producers, producerId).value;
    room.setCanSpeak('alice', false);
    await vi.waitFor(() => expect(producer.paused).toBe(true));
    expect(MediasoupTrace.get(trace.producers, cam.producerId).value.paused).toBe(false);
    room.setCanSpeak('alice', true);
    await vi.waitFor(() => expect(producer.paused).toBe(false));
    room.setCanSpeak('bob', false);
    const muted = await room.produce('bob', microphone(4001));
    expect(MediasoupTrace.get(trace.producers, muted.producerId).value.paused).toBe(true);
    await room.close();
  });

  it('refuses what does not fit the room with stable codes', async () => {
    const room = await backend.createRoom('104');
    expect(await codeOf(backend.createRoom('104'))).toBe(SfuErrorCode.DuplicateRoom);
    const joined = await room.join('alice', { rtpCapabilities: capabilities });
    expect(await codeOf(room.join('alice', { rtpCapabilities: capabilities }))).toBe(
      SfuErrorCode.DuplicatePeer,
    );
    const dtlsParameters = clientDtlsParameters();
    expect(await codeOf(room.connect('alice', { transportId: 'not-mine', dtlsParameters }))).toBe(
      SfuErrorCode.InvalidSignal,
    );
    await room.connect('alice', { transportId: joined.recvTransport.id, dtlsParameters });
    expect(
      await codeOf(room.connect('alice', { transportId: joined.recvTransport.id, dtlsParameters })),
    ).toBe(SfuErrorCode.NegotiationFailed);
    expect(await codeOf(room.produce('nobody', microphone(5000)))).toBe(SfuErrorCode.NotConnected);
    const unsupported = opusParameters(5001);
    unsupported.codecs = [{ mimeType: 'audio/G722', payloadType: 9, clockRate: 8000 }];
    expect(
      await codeOf(room.produce('alice', { ...microphone(5001), rtpParameters: unsupported })),
    ).toBe(SfuErrorCode.NegotiationFailed);
    await room.close();
    expect(await codeOf(room.join('bob', { rtpCapabilities: capabilities }))).toBe(
      SfuErrorCode.RoomClosed,
    );
    await backend.createRoom('104').then((again) => again.close());
  });
});

describe.skipIf(!HAS_WORKER)(`${TITLE}: rooms larger than a router`, () => {
  let trace: MediasoupTrace;
  let backend: MediasoupMediaBackend;
  let capabilities: ms.RtpCapabilities;

  beforeAll(async () => {
    trace = new MediasoupTrace();
    backend = new MediasoupMediaBackend({ workers: 2, maxPeersPerRouter: 2 });
    capabilities = (await backend.hello()).routerRtpCapabilities;
  });

  afterAll(async () => {
    await backend.close();
    trace.stop();
  });

  it('spans two routers on two workers and pipes producers between them', async () => {
    const room = await backend.createRoom('200');
    const notices = record(room);
    const peers = ['p1', 'p2', 'p3', 'p4'];
    const joins = new Map<string, OrtcDialect['joinResponse']>();
    for (const peerId of peers) {
      joins.set(peerId, await room.join(peerId, { rtpCapabilities: capabilities }));
    }
    const routerOf = (peerId: string): ms.Router =>
      MediasoupTrace.get(trace.transports, joins.get(peerId)!.sendTransport.id).router;
    expect(routerOf('p1')).toBe(routerOf('p2'));
    expect(routerOf('p3')).toBe(routerOf('p4'));
    expect(routerOf('p1')).not.toBe(routerOf('p3'));
    const workerOf = (peerId: string): ms.Worker =>
      MediasoupTrace.get(trace.transports, joins.get(peerId)!.sendTransport.id).worker;
    expect(workerOf('p1')).not.toBe(workerOf('p3'));
    expect(await codeOf(room.join('p5', { rtpCapabilities: capabilities }))).toBe(
      SfuErrorCode.ChannelFull,
    );

    const fromFirst = await room.produce('p1', microphone(6000));
    const fromSecond = await room.produce('p3', microphone(6001));
    for (const [listener, producerId, producerRouter] of [
      ['p3', fromFirst.producerId, routerOf('p1')],
      ['p4', fromFirst.producerId, routerOf('p1')],
      ['p1', fromSecond.producerId, routerOf('p3')],
      ['p2', fromSecond.producerId, routerOf('p3')],
    ] as const) {
      const added = addedFor(notices, listener).find((notice) => notice.producerId === producerId);
      expect(added).toBeDefined();
      const consumer = MediasoupTrace.get(trace.consumers, added!.consumerId);
      expect(consumer.router).toBe(routerOf(listener));
      expect(consumer.router).not.toBe(producerRouter);
      expect(consumer.value.producerId).toBe(producerId);
    }
    expect(
      addedFor(notices, 'p2')
        .map((added) => added.producerId)
        .sort(),
    ).toEqual([fromFirst.producerId, fromSecond.producerId].sort());

    const p4Hears = addedFor(notices, 'p4').find(
      (added) => added.producerId === fromFirst.producerId,
    )!;
    await room.leave('p1');
    expect(removedFor(notices, 'p4')).toEqual([p4Hears.consumerId]);
    await room.join('p5', { rtpCapabilities: capabilities });
    await room.close();
  });

  it('closes the rooms of a worker that dies and reports them, then runs new rooms', async () => {
    const failed: Array<[string, SfuError]> = [];
    backend.on('roomFailed', (channelId, error) => failed.push([channelId, error]));
    const room = await backend.createRoom('201');
    const joined = await room.join('p1', { rtpCapabilities: capabilities });
    const { worker } = MediasoupTrace.get(trace.transports, joined.sendTransport.id);
    process.kill(worker.pid, 'SIGKILL');
    await vi.waitFor(() => expect(failed.map(([channelId]) => channelId)).toContain('201'));
    const [, error] = failed.find(([channelId]) => channelId === '201')!;
    expect(error.code).toBe(SfuErrorCode.MediaUnavailable);
    expect(error.message).toContain(`mediasoup-worker ${worker.pid} died`);
    expect(await codeOf(room.produce('p1', microphone(7000)))).toBe(SfuErrorCode.RoomClosed);
    const again = await backend.createRoom('201');
    await again.join('p1', { rtpCapabilities: capabilities });
    await again.close();
  });
});
