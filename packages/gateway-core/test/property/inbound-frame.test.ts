import { fc, test } from '@fast-check/vitest';
import { decodeInboundFrame } from '@guildkit/gateway-core';
import { describe, expect } from 'vitest';

// Literal values from Discord's documentation: 4001 unknown opcode, 4002 decode error.
const CLIENT_CLOSE_CODES = [4001, 4002];
const CLIENT_OPS = [1, 2, 3, 4, 6, 8, 14];

function expectOkOrClientCloseCode(result: ReturnType<typeof decodeInboundFrame>): void {
  if (result.ok) {
    expect(CLIENT_OPS).toContain(result.frame.op);
  } else {
    expect(CLIENT_CLOSE_CODES).toContain(result.closeCode);
    expect(typeof result.reason).toBe('string');
  }
}

describe('decodeInboundFrame never throws (fuzz)', () => {
  test.prop([fc.uint8Array({ maxLength: 5000 })])('random bytes yield ok or 4001/4002', (bytes) => {
    expectOkOrClientCloseCode(decodeInboundFrame(bytes));
  });

  test.prop([fc.string({ unit: 'binary', maxLength: 5000 })])(
    'random text yields ok or 4001/4002',
    (text) => {
      expectOkOrClientCloseCode(decodeInboundFrame(text));
    },
  );

  test.prop([fc.jsonValue()])('random JSON yields ok or 4001/4002', (value) => {
    expectOkOrClientCloseCode(decodeInboundFrame(JSON.stringify(value)));
  });

  test.prop([fc.oneof(fc.integer({ min: -5, max: 20 }), fc.double()), fc.jsonValue()])(
    'random {op, d} frames yield ok or 4001/4002, and 4001 only for integer non-client ops',
    (op, d) => {
      const result = decodeInboundFrame(JSON.stringify({ op, d }));
      expectOkOrClientCloseCode(result);
      if (!result.ok && result.closeCode === 4001) {
        expect(Number.isInteger(op) && !CLIENT_OPS.includes(op)).toBe(true);
      }
      if (Number.isInteger(op) && !CLIENT_OPS.includes(op)) {
        expect(result).toMatchObject({ ok: false, closeCode: 4001 });
      }
    },
  );

  test.prop([fc.string({ minLength: 4097, maxLength: 6000 })])(
    'any text longer than 4096 characters closes with 4002',
    (text) => {
      expect(decodeInboundFrame(text)).toMatchObject({ ok: false, closeCode: 4002 });
    },
  );
});
