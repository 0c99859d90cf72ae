import { setTimeout as sleep } from 'node:timers/promises';
import { WeriftMediaBackend } from '@guildkit/sfu/werift';
import { MediaStreamTrack, RTCPeerConnection, RtpHeader, RtpPacket } from 'werift';
import { LOOPBACK_PEER_CONFIG, WeriftTestClient } from '../test/support/werift-client.js';

/** Opus sends one packet per 20 ms per speaker. */
const PACKET_INTERVAL_MS = 20;

interface Figures {
  readonly name: string;
  readonly packetsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly cpuMicrosPerPacket: number;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return (
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN
  );
}

/** Every participant of one room speaks at Opus's rate for `seconds`; each hears all others. */
async function sfuRoom(participants: number, seconds: number): Promise<Figures> {
  const backend = new WeriftMediaBackend({ peerConfig: LOOPBACK_PEER_CONFIG, slots: participants });
  const room = await backend.createRoom('111111111111111111');
  const clients = Array.from({ length: participants }, (_, i) => new WeriftTestClient(`p${i}`));
  try {
    for (const client of clients) {
      const { offer } = await room.join(client.id, {});
      await room.connect(client.id, { answer: await client.answer(offer) });
      await room.produce(client.id, { kind: 'audio' });
    }
    await Promise.all(clients.map((client) => client.connected()));
    await sleep(500);
    const sentAt = new Map<string, number>();
    const started = performance.now();
    const cpu = process.cpuUsage();
    while (performance.now() - started < seconds * 1000) {
      for (const client of clients) sentAt.set(`${client.id}:${client.send()}`, performance.now());
      await sleep(PACKET_INTERVAL_MS);
    }
    await sleep(300);
    const used = process.cpuUsage(cpu);
    const latencies: number[] = [];
    for (const client of clients)
      for (const packet of client.received) {
        const sent = sentAt.get(`${packet.senderId}:${packet.counter}`);
        if (sent !== undefined) latencies.push(packet.at - sent);
      }
    latencies.sort((a, b) => a - b);
    return {
      name: `SFU room of ${participants} (${participants} speakers × ${participants - 1} listeners)`,
      packetsPerSecond: latencies.length / seconds,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      cpuMicrosPerPacket: (used.user + used.system) / Math.max(1, latencies.length),
    };
  } finally {
    await backend.close();
    await Promise.all(clients.map((client) => client.close()));
  }
}

/** The floor: one werift peer sending straight to another, same rate, same process. */
async function directPair(seconds: number): Promise<Figures> {
  const sender = new RTCPeerConnection(LOOPBACK_PEER_CONFIG);
  const receiver = new RTCPeerConnection(LOOPBACK_PEER_CONFIG);
  const track = new MediaStreamTrack({ kind: 'audio' });
  sender.addTransceiver(track, { direction: 'sendonly' });
  const arrivals: number[] = [];
  const sentAt: number[] = [];
  receiver.onTrack.subscribe((incoming) =>
    incoming.onReceiveRtp.subscribe((rtp) => {
      const counter = rtp.payload.readUInt32BE(0);
      const sent = sentAt[counter];
      if (sent !== undefined) arrivals.push(performance.now() - sent);
    }),
  );
  try {
    await sender.setLocalDescription(await sender.createOffer());
    await receiver.setRemoteDescription(sender.localDescription ?? { type: 'offer', sdp: '' });
    await receiver.setLocalDescription(await receiver.createAnswer());
    await sender.setRemoteDescription(receiver.localDescription ?? { type: 'answer', sdp: '' });
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (sender.connectionState === 'connected') resolve();
        else setTimeout(check, 20);
      };
      check();
    });
    await sleep(500);
    const started = performance.now();
    const cpu = process.cpuUsage();
    let counter = 0;
    while (performance.now() - started < seconds * 1000) {
      const payload = Buffer.alloc(80);
      payload.writeUInt32BE(counter, 0);
      sentAt[counter] = performance.now();
      const header = new RtpHeader({
        payloadType: 111,
        sequenceNumber: counter & 0xffff,
        timestamp: counter * 960,
        ssrc: 42,
        marker: false,
      });
      track.writeRtp(new RtpPacket(header, payload));
      counter += 1;
      await sleep(PACKET_INTERVAL_MS);
    }
    await sleep(300);
    const used = process.cpuUsage(cpu);
    arrivals.sort((a, b) => a - b);
    return {
      name: 'direct werift peer to peer (the floor)',
      packetsPerSecond: arrivals.length / seconds,
      p50Ms: percentile(arrivals, 50),
      p99Ms: percentile(arrivals, 99),
      cpuMicrosPerPacket: (used.user + used.system) / Math.max(1, arrivals.length),
    };
  } finally {
    track.stop();
    await Promise.all([sender.close(), receiver.close()]);
  }
}

/**
 * Forwarding by the werift backend against a direct werift connection, all peers in this
 * process over 127.0.0.1: delivered packets/s, latency sender → receiver, and the process's
 * CPU per delivered packet (clients' SRTP included, so the SFU's own share is lower).
 *
 * @returns a Markdown table.
 */
export async function forwardingBench(seconds = 5): Promise<string> {
  const rows = [await directPair(seconds)];
  for (const participants of [2, 5, 9]) rows.push(await sfuRoom(participants, seconds));
  const lines = [
    `### werift forwarding: Opus-rate speakers (one packet per ${PACKET_INTERVAL_MS} ms each), ${seconds} s per row`,
    '',
    '| setup | delivered packets/s | p50 | p99 | CPU µs per delivered packet (whole process) |',
    '| --- | ---: | ---: | ---: | ---: |',
  ];
  for (const row of rows)
    lines.push(
      `| ${row.name} | ${row.packetsPerSecond.toFixed(0)} | ${row.p50Ms.toFixed(2)} ms | ${row.p99Ms.toFixed(2)} ms | ${row.cpuMicrosPerPacket.toFixed(0)} |`,
    );
  return `${lines.join('\n')}\n`;
}
