import { ManualScheduler } from '@guildkit/testkit';
import { describe, expect, it } from 'vitest';
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
