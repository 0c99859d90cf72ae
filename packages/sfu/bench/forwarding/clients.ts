/**
 * The forwarding bench's client process: hosts the participants (werift or libdatachannel
 * peers) of the SFU in the parent, drives their Opus-rate sending and measures sender → receiver
 * latency. Started by `ClientProcess`; speaks `ParentMessage` / `ChildMessage` over IPC.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { MediaStreamTrack, RTCPeerConnection, RTP_EXTENSION_URI } from 'werift';
import { LOOPBACK_PEER_CONFIG } from '../../test/support/werift-client.js';
import { BenchClient, OpusLikeSource, receiveStamps, sharedNow } from './bench-client.js';
import { LatencySamples } from './latency.js';
import { NdcBenchClient } from './ndc-bench-client.js';
import {
  type ChildMessage,
  type ClientStack,
  PACKET_INTERVAL_MS,
  type ParentMessage,
  type RunResult,
  type RunStream,
} from './protocol.js';

/** Collects the latency of packets sent inside one window. */
class Window {
  readonly samples = new LatencySamples();
  readonly from = sharedNow();
  to = Number.POSITIVE_INFINITY;

  arrival(sentAt: number): void {
    if (sentAt >= this.from && sentAt <= this.to) this.samples.add(sharedNow() - sentAt);
  }
}

/** A bench participant on either stack. */
interface Participant {
  answer(offer: string): Promise<string>;
  connected(): Promise<void>;
  send(): void;
  close(): Promise<void>;
}

const clients = new Map<string, Participant>();
let current: Window | undefined;
let nextSsrc = 0x10_000;
const onSentAt = (sentAt: number): void => current?.arrival(sentAt);

function post(message: ChildMessage): void {
  process.send?.(message);
}

function create(id: string, stack: ClientStack): Participant {
  const ssrc = nextSsrc++;
  return stack === 'werift'
    ? new BenchClient(id, ssrc, onSentAt)
    : new NdcBenchClient(id, ssrc, onSentAt);
}

function client(id: string): Participant {
  const found = clients.get(id);
  if (!found) throw new Error(`no client ${id}`);
  return found;
}

/**
 * Sends on every stream's speaker once per packet interval, speakers spread evenly over the
 * interval as independent microphones would be.
 */
async function measure(
  speakers: ReadonlyArray<{ send(): void }>,
  listeners: readonly number[],
  seconds: number,
  drainMs: number,
): Promise<RunResult> {
  const window = new Window();
  current = window;
  post({ type: 'window', phase: 'start' });
  const cpu = process.cpuUsage();
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  const due = speakers.map((_, i) => window.from + (i * PACKET_INTERVAL_MS) / speakers.length);
  const sent = speakers.map(() => 0);
  const end = window.from + seconds * 1000;
  for (let now = sharedNow(); now < end; now = sharedNow()) {
    let next = end;
    for (let i = 0; i < speakers.length; i++) {
      let at = due[i] ?? end;
      if (at <= now) {
        speakers[i]?.send();
        sent[i] = (sent[i] ?? 0) + 1;
        at += PACKET_INTERVAL_MS;
        due[i] = at;
      }
      next = Math.min(next, at);
    }
    await sleep(Math.max(0, next - sharedNow()));
  }
  window.to = sharedNow();
  const used = process.cpuUsage(cpu);
  loopDelay.disable();
  post({ type: 'window', phase: 'end' });
  await sleep(drainMs);
  current = undefined;
  const [p50Ms = Number.NaN, p99Ms = Number.NaN, maxMs = Number.NaN] = window.samples.percentiles([
    50, 99, 100,
  ]);
  return {
    sent: sent.reduce((a, b) => a + b, 0),
    expected: sent.reduce((total, count, i) => total + count * (listeners[i] ?? 0), 0),
    delivered: window.samples.count,
    p50Ms,
    p99Ms,
    maxMs,
    clientCpuMicros: used.user + used.system,
    clientLoopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    windowMs: window.to - window.from,
  };
}

async function run(
  streams: readonly RunStream[],
  seconds: number,
  drainMs: number,
): Promise<RunResult> {
  const speakers = streams.map((stream) => client(stream.speakerId));
  return measure(
    speakers,
    streams.map((stream) => stream.listeners),
    seconds,
    drainMs,
  );
}

/** The floor: one werift peer sending straight to another, both in this process. */
async function direct(seconds: number, drainMs: number): Promise<RunResult> {
  const sender = new RTCPeerConnection(LOOPBACK_PEER_CONFIG);
  const receiver = new RTCPeerConnection(LOOPBACK_PEER_CONFIG);
  const track = new MediaStreamTrack({ kind: 'audio' });
  const transceiver = sender.addTransceiver(track, { direction: 'sendonly' });
  receiveStamps(receiver, onSentAt);
  try {
    await sender.setLocalDescription(await sender.createOffer());
    await receiver.setRemoteDescription(sender.localDescription ?? { type: 'offer', sdp: '' });
    await receiver.setLocalDescription(await receiver.createAnswer());
    await sender.setRemoteDescription(receiver.localDescription ?? { type: 'answer', sdp: '' });
    while (sender.connectionState !== 'connected' || receiver.connectionState !== 'connected') {
      await sleep(20);
    }
    await sleep(500);
    const source = new OpusLikeSource(0x5eed, 1);
    const audioLevelId = transceiver.headerExtensions.find(
      (extension) => extension.uri === RTP_EXTENSION_URI.audioLevelIndication,
    )?.id;
    const speaker = { send: () => track.writeRtp(source.next(audioLevelId)) };
    return await measure([speaker], [1], seconds, drainMs);
  } finally {
    track.stop();
    await Promise.all([sender.close(), receiver.close()]);
  }
}

async function handle(message: ParentMessage): Promise<void> {
  switch (message.type) {
    case 'answer': {
      const created = create(message.id, message.stack);
      clients.set(message.id, created);
      post({ type: 'answer', id: message.id, answer: await created.answer(message.offer) });
      return;
    }
    case 'connected':
      await Promise.all(message.ids.map((id) => client(id).connected()));
      post({ type: 'connected' });
      return;
    case 'run':
      post({
        type: 'result',
        result: await run(message.streams, message.seconds, message.drainMs),
      });
      return;
    case 'direct':
      post({ type: 'result', result: await direct(message.seconds, message.drainMs) });
      return;
    case 'close':
      await Promise.all(
        message.ids.map(async (id) => {
          const closing = clients.get(id);
          clients.delete(id);
          await closing?.close();
        }),
      );
      post({ type: 'closed' });
      return;
  }
}

process.on('message', (message: ParentMessage) => {
  handle(message).catch((error: unknown) => {
    post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  });
});
process.on('disconnect', () => process.exit(0));
