import { ManualScheduler } from '@guildkit/testkit';
import { describe, expect, it } from 'vitest';
import { RtpHeader, RtpPacket } from 'werift';
import { audioLevelDbov, isVoiced } from '../../src/media/audio-level.js';
import { SpeakingDetector } from '../../src/media/speaking-detector.js';

function setup() {
  const scheduler = new ManualScheduler();
  const changes: Array<[string, boolean, number]> = [];
  const detector = new SpeakingDetector(200, scheduler.clock, scheduler, (peerId, on) =>
    changes.push([peerId, on, scheduler.clock.now()]),
  );
  return { scheduler, changes, detector };
}

describe('SpeakingDetector (the werift room speaking source)', () => {
  it('turns on at the first packet and off 200 ms after the last', () => {
    const { scheduler, changes, detector } = setup();
    for (let i = 0; i < 10; i++) {
      detector.packet('alice');
      scheduler.advance(20);
    }
    expect(changes).toEqual([['alice', true, 0]]);
    scheduler.advance(400);
    expect(changes).toEqual([
      ['alice', true, 0],
      ['alice', false, 380],
    ]);
  });

  it('ends speaking on stop and stays silent after clear', () => {
    const { scheduler, changes, detector } = setup();
    detector.packet('bob');
    detector.stop('bob');
    detector.packet('carol');
    detector.clear();
    scheduler.advance(1_000);
    expect(changes).toEqual([
      ['bob', true, 0],
      ['bob', false, 0],
      ['carol', true, 0],
    ]);
  });
});

describe('RFC 6464 audio levels', () => {
  const packet = (extensions: Array<{ id: number; payload: Buffer }>): RtpPacket => {
    const header = new RtpHeader({ payloadType: 111, sequenceNumber: 1, timestamp: 0, ssrc: 7 });
    header.extensions = extensions;
    return new RtpPacket(header, Buffer.alloc(10));
  };

  it('reads the level in dBov from the negotiated extension, with or without the V flag', () => {
    expect(audioLevelDbov(packet([{ id: 1, payload: Buffer.from([0x80 | 30]) }]), 1)).toBe(-30);
    expect(audioLevelDbov(packet([{ id: 1, payload: Buffer.from([127]) }]), 1)).toBe(-127);
    expect(audioLevelDbov(packet([{ id: 2, payload: Buffer.from([5]) }]), 1)).toBeUndefined();
    expect(audioLevelDbov(packet([{ id: 1, payload: Buffer.alloc(0) }]), 1)).toBeUndefined();
  });

  it('counts a packet as voice when louder than the threshold, or when no level is negotiated or sent', () => {
    const loud = packet([{ id: 3, payload: Buffer.from([20]) }]);
    const quiet = packet([{ id: 3, payload: Buffer.from([90]) }]);
    expect(isVoiced(loud, 3, -60)).toBe(true);
    expect(isVoiced(quiet, 3, -60)).toBe(false);
    expect(isVoiced(quiet, 3, -90)).toBe(true);
    expect(isVoiced(quiet, undefined, -60)).toBe(true);
    expect(isVoiced(packet([]), 3, -60)).toBe(true);
  });
});
