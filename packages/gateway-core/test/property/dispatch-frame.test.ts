import { fc, test } from '@fast-check/vitest';
import { prepareDispatch } from '@guildkit/gateway-core';
import { expect } from 'vitest';

test.prop([fc.string({ minLength: 1 }), fc.jsonValue(), fc.nat({ max: Number.MAX_SAFE_INTEGER })])(
  'JSON.parse(frame(seq)) deep-equals { op: 0, t, s: seq, d }',
  (t, d, seq) => {
    const frame = prepareDispatch(t, d).frame(seq);
    // The oracle is the platform's own JSON round trip of d (it turns -0 into 0).
    expect(JSON.parse(frame)).toEqual({ op: 0, t, s: seq, d: JSON.parse(JSON.stringify(d)) });
    expect(frame).toBe(JSON.stringify({ op: 0, t, s: seq, d }));
  },
);

test.prop([
  fc.string({ unit: 'grapheme', minLength: 1 }),
  fc.jsonValue(),
  fc.array(fc.nat({ max: Number.MAX_SAFE_INTEGER }), { minLength: 1, maxLength: 4 }),
  fc.nat({ max: 8 }),
])(
  'writeFrame(seq) writes the UTF-8 of frame(seq), frameByteLength(seq) bytes, at any offset, whether its bytes are cached yet or not',
  (t, d, seqs, offset) => {
    const prepared = prepareDispatch(t, d);
    for (const seq of seqs) {
      const expected = Buffer.from(prepared.frame(seq), 'utf8');
      const length = prepared.frameByteLength(seq);
      expect(length).toBe(expected.length);
      const target = Buffer.alloc(offset + length + 3, 0xee);
      expect(prepared.writeFrame(seq, target, offset)).toBe(offset + length);
      expect(target.subarray(offset, offset + length).equals(expected)).toBe(true);
      expect([...target.subarray(0, offset), ...target.subarray(offset + length)]).toEqual(
        new Array(offset + 3).fill(0xee),
      );
    }
  },
);
