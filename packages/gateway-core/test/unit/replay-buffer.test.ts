import { GatewayErrorCode, ReplayBuffer } from '@guildkit/gateway-core';
import { describe, expect, it } from 'vitest';

const frame = (seq: number): string => `{"op":0,"t":"E","s":${seq},"d":null}`;

function filled(capacity: number, count: number): ReplayBuffer {
  const buffer = new ReplayBuffer({ capacity });
  for (let seq = 1; seq <= count; seq++) buffer.push(seq, frame(seq));
  return buffer;
}

describe('ReplayBuffer', () => {
  it('replays exactly the missed frames in order', () => {
    const buffer = filled(10, 5);
    expect(buffer.since(2)).toEqual([frame(3), frame(4), frame(5)]);
    expect(buffer.since(0)).toEqual([1, 2, 3, 4, 5].map(frame));
  });

  it('returns an empty replay for a client that saw the last frame', () => {
    expect(filled(10, 5).since(5)).toEqual([]);
    expect(new ReplayBuffer().since(0)).toEqual([]);
  });

  it('refuses a resume whose seq fell out of the window', () => {
    const buffer = filled(3, 10);
    expect(buffer.size).toBe(3);
    expect(buffer.since(7)).toEqual([frame(8), frame(9), frame(10)]);
    expect(buffer.since(6)).toBeUndefined();
    expect(buffer.since(0)).toBeUndefined();
  });

  it('refuses a seq greater than the last sent, negative or not an integer', () => {
    const buffer = filled(10, 5);
    expect(buffer.lastSeq).toBe(5);
    for (const seq of [6, 100, -1, 2.5, Number.NaN]) expect(buffer.since(seq)).toBeUndefined();
  });

  it('throws GK_GATEWAY_INVALID_SEQUENCE on a gap or a repeat', () => {
    const buffer = filled(10, 2);
    expect(() => buffer.push(4, frame(4))).toThrow(
      expect.objectContaining({ code: GatewayErrorCode.InvalidSequence }),
    );
    expect(() => buffer.push(2, frame(2))).toThrow(
      expect.objectContaining({ code: GatewayErrorCode.InvalidSequence }),
    );
  });

  it('throws GK_GATEWAY_INVALID_OPTION for a capacity that is not a positive integer', () => {
    for (const capacity of [0, -1, 1.5, Number.NaN]) {
      expect(() => new ReplayBuffer({ capacity })).toThrow(
        expect.objectContaining({ code: GatewayErrorCode.InvalidOption }),
      );
    }
  });
});
