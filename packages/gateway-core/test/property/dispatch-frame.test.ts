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
  fc.string({ unit: 'grapheme' }),
  fc.jsonValue(),
  fc.nat({ max: Number.MAX_SAFE_INTEGER }),
])('frameBytes(seq) is the UTF-8 encoding of frame(seq)', (t, d, seq) => {
  fc.pre(t.length > 0);
  const prepared = prepareDispatch(t, d);
  expect(prepared.frameBytes(seq).equals(Buffer.from(prepared.frame(seq), 'utf8'))).toBe(true);
});
