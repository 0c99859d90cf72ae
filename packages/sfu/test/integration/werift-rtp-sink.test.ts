import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GenericNack,
  MediaStreamTrack,
  RTCPeerConnection,
  type RtcpPacket,
  RtcpSourceDescriptionPacket,
  RtcpSrPacket,
  RtcpTransportLayerFeedback,
  RtpHeader,
  type RtpPacket,
} from 'werift';
import { WeriftRtpSink } from '../../src/media/werift-rtp-sink.js';
import { LOOPBACK_PEER_CONFIG } from '../support/werift-client.js';

/**
 * The werift behaviour `WeriftRtpSink` relies on beyond werift's types. When werift is upgraded,
 * these tests say whether the sink still holds.
 */

/** @returns the version of the werift package the tests resolve. */
function installedWeriftVersion(): string {
  let folder = dirname(createRequire(import.meta.url).resolve('werift'));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === 'werift') return manifest.version ?? '';
    } catch {
      // No manifest at this level: keep climbing.
    }
    const parent = dirname(folder);
    if (parent === folder) return '';
    folder = parent;
  }
}

const server = new RTCPeerConnection(LOOPBACK_PEER_CONFIG);
const client = new RTCPeerConnection(LOOPBACK_PEER_CONFIG);
const transceiver = server.addTransceiver(new MediaStreamTrack({ kind: 'audio' }), {
  direction: 'sendonly',
});
const sink = new WeriftRtpSink(transceiver.sender, server.cname);
const payloadTypeBeforeConnecting = sink.payloadType;
const arrived: RtpPacket[] = [];
const clientRtcp: RtcpPacket[] = [];
const nacks: Array<readonly number[]> = [];
sink.onNack((sequenceNumbers) => nacks.push(sequenceNumbers));
client.onTrack.subscribe((track) => track.onReceiveRtp.subscribe((rtp) => arrived.push(rtp)));

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await sleep(10);
}

beforeAll(async () => {
  await server.setLocalDescription(await server.createOffer());
  await client.setRemoteDescription(server.localDescription ?? { type: 'offer', sdp: '' });
  await client.setLocalDescription(await client.createAnswer());
  await server.setRemoteDescription(client.localDescription ?? { type: 'answer', sdp: '' });
  await until(
    () => server.connectionState === 'connected' && client.connectionState === 'connected',
  );
  client.getTransceivers()[0]?.receiver.transport.onRtcp.subscribe((rtcp) => clientRtcp.push(rtcp));
}, 10_000);

afterAll(async () => {
  await client.close();
  await server.close();
});

describe('WeriftRtpSink on werift 0.24.4', () => {
  it('is checked against werift 0.24.4: re-run these tests and re-read the sink when upgrading', () => {
    expect(installedWeriftVersion()).toBe('0.24.4');
  });

  it('offers the negotiated payload type only once DTLS is up', () => {
    expect(payloadTypeBeforeConnecting).toBeUndefined();
    expect(sink.payloadType).toBe(transceiver.sender.codec?.payloadType);
    expect(sink.payloadType).toBeTypeOf('number');
  });

  it('serializes the header before sendRtp returns, so the header object can be reused at once', async () => {
    const header = new RtpHeader({
      payloadType: sink.payloadType ?? 0,
      sequenceNumber: 500,
      timestamp: 48_000,
      ssrc: sink.ssrc,
    });
    sink.sendRtp(Buffer.from('first'), header);
    header.sequenceNumber = 9;
    header.timestamp = 1;
    sink.sendRtp(Buffer.from('second'), header);
    header.sequenceNumber = 77;
    await until(() => arrived.length >= 2);
    expect(
      arrived.map((rtp) => [
        rtp.header.sequenceNumber,
        rtp.header.timestamp,
        rtp.payload.toString(),
      ]),
    ).toEqual([
      [500, 48_000, 'first'],
      [9, 1, 'second'],
    ]);
    expect(arrived.map((rtp) => rtp.header.ssrc)).toEqual([sink.ssrc, sink.ssrc]);
  });

  it('sends a sender report with the CNAME', async () => {
    sink.sendSenderReport({
      ssrc: sink.ssrc,
      ntpTimestamp: 0xe8f0_1234_8000_0000n,
      rtpTimestamp: 48_960,
      packetCount: 2,
      octetCount: 11,
    });
    await until(() => clientRtcp.some((rtcp) => rtcp instanceof RtcpSrPacket));
    const report = clientRtcp.find((rtcp): rtcp is RtcpSrPacket => rtcp instanceof RtcpSrPacket);
    expect(report?.ssrc).toBe(sink.ssrc);
    expect(report?.senderInfo).toMatchObject({
      ntpTimestamp: 0xe8f0_1234_8000_0000n,
      rtpTimestamp: 48_960,
      packetCount: 2,
      octetCount: 11,
    });
    const description = clientRtcp.find(
      (rtcp): rtcp is RtcpSourceDescriptionPacket => rtcp instanceof RtcpSourceDescriptionPacket,
    );
    expect(description?.chunks[0]?.source).toBe(sink.ssrc);
    expect(description?.chunks[0]?.items[0]?.text).toBe(server.cname);
  });

  it("hands over the receiver's NACKs", async () => {
    const nack = new GenericNack({ senderSsrc: 1, mediaSourceSsrc: sink.ssrc, lost: [500, 502] });
    await client
      .getTransceivers()[0]
      ?.receiver.transport.sendRtcp([new RtcpTransportLayerFeedback({ feedback: nack })]);
    await until(() => nacks.length > 0);
    expect(nacks).toEqual([[500, 502]]);
  });

  it("resolves RTCDtlsTransport.sendRtp's promise, never rejects it, once the connection is closed", async () => {
    const transport = transceiver.sender.dtlsTransport;
    await server.close();
    const header = new RtpHeader({ sequenceNumber: 1, ssrc: sink.ssrc });
    await expect(transport.sendRtp(Buffer.from('late'), header)).resolves.toBeTypeOf('number');
    expect(() => sink.sendRtp(Buffer.from('late'), header)).not.toThrow();
    expect(sink.payloadType).toBeUndefined();
  });
});
