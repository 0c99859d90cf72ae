import { GCProfiler } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { RtpHeader, RtpPacket } from 'werift';
import { ntpTimestamp } from '../../src/media/ntp-time.js';
import {
  RtpForwarder,
  type RtpSink,
  SENDER_REPORT_INTERVAL_MS,
  type SenderReport,
} from '../../src/media/rtp-forwarder.js';

const START = 1_700_000_000_000;
const SSRC = 0xabcd_0000;

/** A sink that keeps the bytes of every packet as it was handed over. */
class RecordingSink implements RtpSink {
  readonly ssrc = SSRC;
  payloadType: number | undefined = 109;
  readonly sent: RtpPacket[] = [];
  readonly reports: SenderReport[] = [];
  nack: (sequenceNumbers: readonly number[]) => void = () => {};

  sendRtp(payload: Buffer, header: RtpHeader): void {
    const bytes = Buffer.concat([header.serialize(header.serializeSize), payload]);
    this.sent.push(RtpPacket.deSerialize(bytes));
  }

  sendSenderReport(report: SenderReport): void {
    this.reports.push(report);
  }

  onNack(listener: (sequenceNumbers: readonly number[]) => void): void {
    this.nack = listener;
  }
}

function packet(sequenceNumber: number, timestamp: number, marker = false): RtpPacket {
  const header = new RtpHeader({ payloadType: 111, sequenceNumber, timestamp, ssrc: 77, marker });
  header.extensions = [{ id: 1, payload: Buffer.from([0x9e]) }];
  return new RtpPacket(header, Buffer.from(`payload ${sequenceNumber}`));
}

describe('RtpForwarder', () => {
  it("sends on the slot's SSRC and payload type, keeping marker, extensions and payload", () => {
    const sink = new RecordingSink();
    const forwarder = new RtpForwarder(sink, 48_000);
    forwarder.forward(packet(500, 96_000, true), START);
    forwarder.forward(packet(501, 96_960), START + 20);
    expect(sink.sent.map(({ header }) => header.ssrc)).toEqual([SSRC, SSRC]);
    expect(sink.sent.map(({ header }) => header.payloadType)).toEqual([109, 109]);
    expect(sink.sent.map(({ header }) => header.sequenceNumber)).toEqual([500, 501]);
    expect(sink.sent.map(({ header }) => header.timestamp)).toEqual([96_000, 96_960]);
    expect(sink.sent.map(({ header }) => header.marker)).toEqual([true, false]);
    expect(sink.sent[1]?.header.extensions).toEqual([{ id: 1, payload: Buffer.from([0x9e]) }]);
    expect(sink.sent[1]?.payload.toString()).toBe('payload 501');
  });

  it('continues the stream when the slot is rebound to another source', () => {
    const sink = new RecordingSink();
    const forwarder = new RtpForwarder(sink, 48_000);
    forwarder.forward(packet(65_535, 4_294_966_000), START);
    forwarder.rebase();
    forwarder.forward(packet(10, 1_000), START + 30);
    forwarder.forward(packet(11, 1_960), START + 50);
    expect(sink.sent.map(({ header }) => header.sequenceNumber)).toEqual([65_535, 0, 1]);
    expect(sink.sent.map(({ header }) => header.timestamp)).toEqual([
      4_294_966_000,
      (4_294_966_000 + 30 * 48) % 2 ** 32,
      (4_294_966_000 + 30 * 48 + 960) % 2 ** 32,
    ]);
  });

  it('drops packets while the sink cannot send, without advancing the stream', () => {
    const sink = new RecordingSink();
    const forwarder = new RtpForwarder(sink, 48_000);
    sink.payloadType = undefined;
    forwarder.forward(packet(1, 0), START);
    sink.payloadType = 109;
    forwarder.forward(packet(2, 960), START + 20);
    expect(sink.sent.map(({ header }) => header.sequenceNumber)).toEqual([2]);
  });

  it('answers a NACK with the packet first sent under that number, byte for byte', () => {
    const sink = new RecordingSink();
    const forwarder = new RtpForwarder(sink, 48_000);
    for (let i = 0; i < 10; i++)
      forwarder.forward(packet(100 + i, i * 960, i === 3), START + i * 20);
    forwarder.rebase();
    forwarder.forward(packet(7, 5), START + 400);
    const first = sink.sent.map((sent) => sent.serialize());
    sink.nack([103, 110, 99, 42_000]);
    expect(sink.sent.slice(11).map((sent) => sent.serialize())).toEqual([first[3], first[10]]);
  });

  it('forgets packets older than the last 128 it sent', () => {
    const sink = new RecordingSink();
    const forwarder = new RtpForwarder(sink, 48_000);
    for (let i = 0; i < 200; i++) forwarder.forward(packet(i, i * 960), START + i * 20);
    sink.nack([71, 72, 199]);
    expect(sink.sent.slice(200).map(({ header }) => header.sequenceNumber)).toEqual([72, 199]);
  });

  it('reports once per interval while packets flow, with counts and the last timestamp', () => {
    const sink = new RecordingSink();
    const forwarder = new RtpForwarder(sink, 48_000);
    const seconds = 5;
    for (let i = 0; i < seconds * 50; i++) {
      forwarder.forward(packet(i, i * 960), START + i * 20);
    }
    const { length } = sink.reports;
    expect(length).toBeGreaterThanOrEqual(seconds - 1);
    expect(length).toBeLessThanOrEqual(seconds);
    for (const [i, report] of sink.reports.entries()) {
      const next = sink.reports[i + 1];
      if (next) {
        expect(next.packetCount - report.packetCount).toBe(SENDER_REPORT_INTERVAL_MS / 20);
      }
      const sentAt = START + (report.packetCount - 1) * 20;
      expect(report).toEqual({
        ssrc: SSRC,
        ntpTimestamp: ntpTimestamp(sentAt),
        rtpTimestamp: (report.packetCount - 1) * 960,
        packetCount: report.packetCount,
        octetCount: sink.sent
          .slice(0, report.packetCount)
          .reduce((total, sent) => total + sent.payload.length, 0),
      });
    }
  });

  it('allocates nothing per forwarded packet: five million forwards need no garbage collection', () => {
    let sent = 0;
    const sink: RtpSink = {
      ssrc: SSRC,
      payloadType: 109,
      sendRtp: () => {
        sent++;
      },
      sendSenderReport: () => {},
      onNack: () => {},
    };
    const forwarder = new RtpForwarder(sink, 48_000);
    const sources = Array.from({ length: 256 }, (_, i) => packet(i, i * 960));
    const forwardAll = (count: number, now: number): void => {
      for (let i = 0; i < count; i++) forwarder.forward(sources[i & 255] as RtpPacket, now);
    };
    forwardAll(100_000, START);
    const profiler = new GCProfiler();
    profiler.start();
    forwardAll(5_000_000, START + 1);
    const { statistics } = profiler.stop();
    expect(sent).toBe(5_100_000);
    // Eight bytes per packet would take 40 MB, several young-generation collections; one may
    // still be owed to what the test allocated before.
    expect(statistics.length).toBeLessThanOrEqual(1);
  });
});
