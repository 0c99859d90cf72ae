import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { RtpHeader, RtpPacket } from 'werift';
import { PACKET_HISTORY_SIZE, PacketHistory } from '../../src/media/packet-history.js';

const sequenceNumber = fc.integer({ min: 0, max: 0xffff });

function packet(tag: number): RtpPacket {
  return new RtpPacket(new RtpHeader(), Buffer.from([tag & 0xff, tag >> 8]));
}

describe('PacketHistory', () => {
  test.prop([fc.array(fc.tuple(sequenceNumber, fc.nat()), { maxLength: 400 }), sequenceNumber])(
    'finds a packet only under the number it was last stored with, and with its timestamp',
    (stores, probe) => {
      const history = new PacketHistory();
      const latest = new Map<number, { packet: RtpPacket; timestamp: number }>();
      for (const [number, timestamp] of stores) {
        const stored = packet(number);
        history.store(stored, number, timestamp >>> 0);
        latest.set(number, { packet: stored, timestamp: timestamp >>> 0 });
      }
      const found = history.find(probe);
      if (found === undefined) return;
      expect(found).toBe(latest.get(probe)?.packet);
      expect(history.timestampAt(probe)).toBe(latest.get(probe)?.timestamp);
    },
  );

  test.prop([sequenceNumber, fc.integer({ min: 1, max: 600 })])(
    'keeps the last 128 packets of a contiguous stream and none before them',
    (first, count) => {
      const history = new PacketHistory();
      const sent: Array<[number, RtpPacket]> = [];
      for (let i = 0; i < count; i++) {
        const number = (first + i) & 0xffff;
        const stored = packet(number);
        history.store(stored, number, i * 960);
        sent.push([number, stored]);
      }
      for (const [index, [number, stored]] of sent.entries()) {
        const kept = index >= count - PACKET_HISTORY_SIZE;
        expect(history.find(number)).toBe(kept ? stored : undefined);
        if (kept) expect(history.timestampAt(number)).toBe(index * 960);
      }
    },
  );
});
