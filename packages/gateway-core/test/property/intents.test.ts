import { fc, test } from '@fast-check/vitest';
import { checkIntents } from '@guildkit/gateway-core';
import { expect } from 'vitest';

// Discord's documented intent bits (0..25 without 17, 18, 19, 22, 23) and the privileged ones.
const DOCUMENTED_BITS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 20, 21, 24, 25];
const PRIVILEGED_BITS = [1, 8, 15];

test.prop([fc.array(fc.integer({ min: 0, max: 30 })), fc.subarray(PRIVILEGED_BITS)])(
  'accepts exactly documented bits whose privileged ones are granted; else 4013, then 4014',
  (bits, grantedBits) => {
    const intents = bits.reduce((mask, bit) => mask | (1 << bit), 0);
    const granted = grantedBits.reduce((mask, bit) => mask | (1 << bit), 0);
    const result = checkIntents(intents, granted);
    if (bits.some((bit) => !DOCUMENTED_BITS.includes(bit))) {
      expect(result).toMatchObject({ ok: false, closeCode: 4013 });
    } else if (bits.some((bit) => PRIVILEGED_BITS.includes(bit) && !grantedBits.includes(bit))) {
      expect(result).toMatchObject({ ok: false, closeCode: 4014 });
    } else {
      expect(result).toEqual({ ok: true });
    }
  },
);
