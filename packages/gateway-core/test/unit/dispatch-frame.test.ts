import { GatewayErrorCode, prepareDispatch } from '@guildkit/gateway-core';
import { describe, expect, it } from 'vitest';

const MESSAGE = { id: '1', channel_id: '2', content: 'hi "there"', embeds: [], mentions: [] };

describe('prepareDispatch', () => {
  it('produces the exact text of JSON.stringify({ op: 0, t, s, d }) for any seq', () => {
    const prepared = prepareDispatch('MESSAGE_CREATE', MESSAGE);
    expect(prepared.t).toBe('MESSAGE_CREATE');
    for (const s of [0, 1, 42, Number.MAX_SAFE_INTEGER]) {
      expect(prepared.frame(s)).toBe(JSON.stringify({ op: 0, t: 'MESSAGE_CREATE', s, d: MESSAGE }));
    }
  });

  it('serializes the payload once, not once per frame', () => {
    let reads = 0;
    const payload = {
      toJSON() {
        reads++;
        return { n: 1 };
      },
    };
    const prepared = prepareDispatch('E', payload);
    for (let s = 1; s <= 100; s++) prepared.frame(s);
    expect(reads).toBe(1);
  });

  it('builds each variant once, on first use, with the same event name', () => {
    const prepared = prepareDispatch('MESSAGE_CREATE', MESSAGE);
    let builds = 0;
    const build = () => {
      builds++;
      return { ...MESSAGE, content: '' };
    };
    const first = prepared.variant('no-content', build);
    const second = prepared.variant('no-content', build);
    expect(second).toBe(first);
    expect(builds).toBe(1);
    expect(JSON.parse(first.frame(7))).toEqual({
      op: 0,
      t: 'MESSAGE_CREATE',
      s: 7,
      d: { ...MESSAGE, content: '' },
    });
    expect(JSON.parse(prepared.frame(7)).d.content).toBe('hi "there"');
  });

  it('throws GK_GATEWAY_INVALID_PAYLOAD for what JSON cannot represent', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    for (const d of [1n, cyclic, undefined, () => 1]) {
      expect(() => prepareDispatch('E', d)).toThrow(
        expect.objectContaining({ code: GatewayErrorCode.InvalidPayload }),
      );
    }
    expect(() => prepareDispatch('', {})).toThrow(
      expect.objectContaining({ code: GatewayErrorCode.InvalidPayload }),
    );
  });

  it('throws GK_GATEWAY_INVALID_SEQUENCE for a seq that is not a non-negative safe integer', () => {
    const prepared = prepareDispatch('E', null);
    for (const s of [-1, 1.5, Number.NaN, 2 ** 53]) {
      expect(() => prepared.frame(s)).toThrow(
        expect.objectContaining({ code: GatewayErrorCode.InvalidSequence }),
      );
    }
  });
});
