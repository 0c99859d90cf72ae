import { test } from '@fast-check/vitest';
import { ZlibStreamInflater } from '@guildkit/gateway-core/client';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitAt, TestDeflater } from './support/zlib-stream.js';

describe('ZlibStreamInflater', () => {
  it('inflates each Z_SYNC_FLUSH-terminated message of one zlib context', async () => {
    const deflater = new TestDeflater();
    const inflater = new ZlibStreamInflater();
    const messages = ['{"op":10,"d":{"heartbeat_interval":41250}}', '{"op":11}', 'héllo ✓ 🎉'];
    for (const message of messages) {
      const bytes = await deflater.compress(message);
      expect([...bytes.subarray(-4)]).toEqual([0x00, 0x00, 0xff, 0xff]);
      expect(inflater.push(bytes)).toBe(message);
    }
    deflater.close();
  });

  it('returns undefined until the frame that ends with 00 00 ff ff arrives', async () => {
    const deflater = new TestDeflater();
    const inflater = new ZlibStreamInflater();
    const bytes = await deflater.compress('x'.repeat(1000));
    const pieces = splitAt(bytes, [1, bytes.length - 2]);
    expect(pieces).toHaveLength(3);
    expect(inflater.push(pieces[0]!)).toBeUndefined();
    expect(inflater.push(pieces[1]!)).toBeUndefined();
    expect(inflater.push(pieces[2]!)).toBe('x'.repeat(1000));
    deflater.close();
  });

  it('inflates a message larger than fflate chunk sizes', async () => {
    const deflater = new TestDeflater();
    const inflater = new ZlibStreamInflater();
    const big = JSON.stringify(
      Array.from({ length: 20_000 }, (_, i) => ({ i, s: `v${i * 7919}` })),
    );
    expect(inflater.push(await deflater.compress(big))).toBe(big);
    expect(inflater.push(await deflater.compress('after'))).toBe('after');
    deflater.close();
  });

  it('throws on bytes that are not a zlib stream', () => {
    const inflater = new ZlibStreamInflater();
    expect(() => inflater.push(new Uint8Array([1, 2, 3, 4, 0, 0, 0xff, 0xff]))).toThrow();
  });
});

// WebSocket frames never span two messages (each message is sent whole or in pieces of its
// own), so the cuts are random points inside each message's compressed bytes.
test.prop(
  [
    fc.array(
      fc.record({
        text: fc.oneof(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.json({ maxDepth: 3 })),
        cuts: fc.array(fc.nat(), { maxLength: 6 }),
      }),
      { minLength: 1, maxLength: 25 },
    ),
  ],
  { numRuns: 60 },
)('messages split into random frames come out exactly, in order', async (messages) => {
  const deflater = new TestDeflater();
  const inflater = new ZlibStreamInflater();
  const out: string[] = [];
  for (const { text, cuts } of messages) {
    for (const piece of splitAt(await deflater.compress(text), cuts)) {
      const message = inflater.push(piece);
      if (message !== undefined) out.push(message);
    }
  }
  deflater.close();
  expect(out).toEqual(messages.map((message) => message.text));
});
