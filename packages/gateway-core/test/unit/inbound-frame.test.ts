import {
  decodeInboundFrame,
  GuildkitOpcodes,
  MAX_INBOUND_FRAME_BYTES,
} from '@guildkit/gateway-core';
import { describe, expect, it } from 'vitest';

// Literal close codes from Discord's documentation, independent of the code under test.
const UNKNOWN_OPCODE = 4001;
const DECODE_ERROR = 4002;

const GUILD = '81384788765712384';
const CHANNEL = '175928847299117063';

const IDENTIFY = {
  token: 'Bot abc.def',
  properties: { os: 'linux', browser: 'guildkit', device: 'guildkit' },
  intents: 513,
};

function send(frame: unknown): ReturnType<typeof decodeInboundFrame> {
  return decodeInboundFrame(JSON.stringify(frame));
}

function closeCodeOf(frame: unknown): number | undefined {
  const result = send(frame);
  return result.ok ? undefined : result.closeCode;
}

describe('decodeInboundFrame: accepted frames', () => {
  it('accepts a HEARTBEAT with the last sequence or null', () => {
    expect(send({ op: 1, d: 251 })).toEqual({ ok: true, frame: { op: 1, d: 251 } });
    expect(send({ op: 1, d: null })).toEqual({ ok: true, frame: { op: 1, d: null } });
  });

  it('accepts a minimal IDENTIFY and one with every optional field', () => {
    expect(send({ op: 2, d: IDENTIFY })).toEqual({ ok: true, frame: { op: 2, d: IDENTIFY } });
    const full = {
      ...IDENTIFY,
      compress: false,
      large_threshold: 250,
      shard: [0, 1],
      capabilities: 16381,
      presence: {
        since: 91879201,
        activities: [{ name: 'Save the Oxford Comma', type: 0 }],
        status: 'online',
        afk: false,
      },
    };
    expect(send({ op: 2, d: full })).toEqual({ ok: true, frame: { op: 2, d: full } });
  });

  it('accepts a frame given as UTF-8 bytes', () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ op: 1, d: null }));
    expect(decodeInboundFrame(bytes)).toEqual({ ok: true, frame: { op: 1, d: null } });
  });

  it('ignores s and t on client frames and keeps only op and d', () => {
    expect(send({ op: 1, d: 3, s: null, t: null })).toEqual({ ok: true, frame: { op: 1, d: 3 } });
  });

  it('accepts PRESENCE_UPDATE, VOICE_STATE_UPDATE and RESUME as Discord documents them', () => {
    const presence = { since: null, activities: [], status: 'dnd', afk: false };
    expect(send({ op: 3, d: presence }).ok).toBe(true);
    const voice = { guild_id: GUILD, channel_id: CHANNEL, self_mute: false, self_deaf: false };
    expect(send({ op: 4, d: voice }).ok).toBe(true);
    expect(send({ op: 4, d: { ...voice, channel_id: null } }).ok).toBe(true);
    const resume = { token: 'Bot abc', session_id: 'a1b2c3', seq: 1337 };
    expect(send({ op: 6, d: resume })).toEqual({ ok: true, frame: { op: 6, d: resume } });
  });

  it('accepts REQUEST_GUILD_MEMBERS by query or by user ids', () => {
    expect(send({ op: 8, d: { guild_id: GUILD, query: '', limit: 0 } }).ok).toBe(true);
    expect(send({ op: 8, d: { guild_id: GUILD, user_ids: CHANNEL, nonce: 'x' } }).ok).toBe(true);
    const ids = Array.from({ length: 100 }, () => CHANNEL);
    expect(send({ op: 8, d: { guild_id: GUILD, user_ids: ids, presences: true } }).ok).toBe(true);
  });

  it('accepts a LAZY_REQUEST (op 14) with ranges per channel', () => {
    const d = {
      guild_id: GUILD,
      channels: {
        [CHANNEL]: [
          [0, 99],
          [100, 199],
        ],
      },
    };
    expect(GuildkitOpcodes.LazyRequest).toBe(14);
    expect(send({ op: 14, d })).toEqual({ ok: true, frame: { op: 14, d } });
  });
});

describe('decodeInboundFrame: decode errors close with 4002', () => {
  it('rejects a frame over 4096 bytes, counting UTF-8 bytes rather than characters', () => {
    expect(MAX_INBOUND_FRAME_BYTES).toBe(4096);
    const base = JSON.stringify({ op: 1, d: null, x: '' });
    const fits = base.replace('""', `"${'a'.repeat(4096 - base.length)}"`);
    expect(new TextEncoder().encode(fits).length).toBe(4096);
    expect(decodeInboundFrame(fits).ok).toBe(true);
    const over = base.replace('""', `"${'a'.repeat(4097 - base.length)}"`);
    expect(decodeInboundFrame(over)).toMatchObject({ ok: false, closeCode: DECODE_ERROR });
    // 2100 'é' are 2100 characters but 4200 bytes.
    const wide = base.replace('""', `"${'é'.repeat(2100)}"`);
    expect(wide.length).toBeLessThan(4096);
    expect(decodeInboundFrame(wide)).toMatchObject({ ok: false, closeCode: DECODE_ERROR });
    const bytes = new Uint8Array(4097).fill(0x20);
    expect(decodeInboundFrame(bytes)).toMatchObject({ ok: false, closeCode: DECODE_ERROR });
  });

  it('rejects invalid JSON, invalid UTF-8 and JSON that is not an object', () => {
    for (const raw of ['', '{', '{"op":1,"d":null', 'null', '[]', '1', '"op"']) {
      expect(decodeInboundFrame(raw)).toMatchObject({ ok: false, closeCode: DECODE_ERROR });
    }
    const invalidUtf8 = new Uint8Array([0x7b, 0xff, 0x7d]);
    expect(decodeInboundFrame(invalidUtf8)).toMatchObject({ ok: false, closeCode: DECODE_ERROR });
  });

  it('rejects an op that is not an integer, and a frame without d', () => {
    for (const op of ['1', 1.5, null, true, undefined]) {
      expect(closeCodeOf({ op, d: null })).toBe(DECODE_ERROR);
    }
    expect(closeCodeOf({ op: 1 })).toBe(DECODE_ERROR);
  });

  it('rejects a HEARTBEAT whose d is not a sequence or null', () => {
    for (const d of ['1', -1, 1.5, {}, [], true])
      expect(closeCodeOf({ op: 1, d })).toBe(DECODE_ERROR);
  });

  it('rejects an IDENTIFY without token, properties or intents', () => {
    for (const missing of ['token', 'properties', 'intents']) {
      const d: Record<string, unknown> = { ...IDENTIFY };
      delete d[missing];
      expect(closeCodeOf({ op: 2, d })).toBe(DECODE_ERROR);
    }
    expect(closeCodeOf({ op: 2, d: { ...IDENTIFY, token: '' } })).toBe(DECODE_ERROR);
    expect(closeCodeOf({ op: 2, d: { ...IDENTIFY, intents: '513' } })).toBe(DECODE_ERROR);
    expect(closeCodeOf({ op: 2, d: { ...IDENTIFY, properties: { os: 'linux' } } })).toBe(
      DECODE_ERROR,
    );
    expect(closeCodeOf({ op: 2, d: null })).toBe(DECODE_ERROR);
  });

  it('rejects an IDENTIFY with a bad shard array', () => {
    for (const shard of [[0], [0, 1, 2], ['0', '1'], [-1, 2], [0.5, 2], {}, 'x']) {
      expect(closeCodeOf({ op: 2, d: { ...IDENTIFY, shard } })).toBe(DECODE_ERROR);
    }
  });

  it('rejects an IDENTIFY whose large_threshold is outside 50..250', () => {
    for (const value of [49, 251, 0, 100.5, '100']) {
      expect(closeCodeOf({ op: 2, d: { ...IDENTIFY, large_threshold: value } })).toBe(DECODE_ERROR);
    }
    for (const value of [50, 250]) {
      expect(closeCodeOf({ op: 2, d: { ...IDENTIFY, large_threshold: value } })).toBeUndefined();
    }
  });

  it('rejects an IDENTIFY with a malformed presence or compress flag', () => {
    const presence = { since: null, activities: [], status: 'sleeping', afk: false };
    expect(closeCodeOf({ op: 2, d: { ...IDENTIFY, presence } })).toBe(DECODE_ERROR);
    expect(closeCodeOf({ op: 2, d: { ...IDENTIFY, compress: 'yes' } })).toBe(DECODE_ERROR);
  });

  it('rejects a RESUME without token, session_id or seq', () => {
    const resume = { token: 'Bot abc', session_id: 'a1b2c3', seq: 1337 };
    for (const missing of ['token', 'session_id', 'seq']) {
      const d: Record<string, unknown> = { ...resume };
      delete d[missing];
      expect(closeCodeOf({ op: 6, d })).toBe(DECODE_ERROR);
    }
    expect(closeCodeOf({ op: 6, d: { ...resume, seq: -1 } })).toBe(DECODE_ERROR);
  });

  it('rejects a malformed PRESENCE_UPDATE or VOICE_STATE_UPDATE', () => {
    expect(
      closeCodeOf({ op: 3, d: { since: null, activities: {}, status: 'online', afk: false } }),
    ).toBe(DECODE_ERROR);
    expect(
      closeCodeOf({
        op: 3,
        d: { since: null, activities: [{ type: 0 }], status: 'online', afk: false },
      }),
    ).toBe(DECODE_ERROR);
    const voice = { guild_id: GUILD, channel_id: 'general', self_mute: false, self_deaf: false };
    expect(closeCodeOf({ op: 4, d: voice })).toBe(DECODE_ERROR);
    expect(closeCodeOf({ op: 4, d: { ...voice, channel_id: null, self_mute: 0 } })).toBe(
      DECODE_ERROR,
    );
  });

  it('rejects REQUEST_GUILD_MEMBERS with both or neither of query and user_ids, or too many ids', () => {
    expect(closeCodeOf({ op: 8, d: { guild_id: GUILD } })).toBe(DECODE_ERROR);
    expect(
      closeCodeOf({ op: 8, d: { guild_id: GUILD, query: 'a', limit: 1, user_ids: [CHANNEL] } }),
    ).toBe(DECODE_ERROR);
    expect(closeCodeOf({ op: 8, d: { guild_id: GUILD, query: 'a' } })).toBe(DECODE_ERROR);
    expect(closeCodeOf({ op: 8, d: { guild_id: [GUILD], query: '', limit: 0 } })).toBe(
      DECODE_ERROR,
    );
    const ids = Array.from({ length: 101 }, () => CHANNEL);
    expect(closeCodeOf({ op: 8, d: { guild_id: GUILD, user_ids: ids } })).toBe(DECODE_ERROR);
  });

  it('rejects a LAZY_REQUEST with reversed ranges or non-snowflake channel keys', () => {
    expect(
      closeCodeOf({ op: 14, d: { guild_id: GUILD, channels: { [CHANNEL]: [[99, 0]] } } }),
    ).toBe(DECODE_ERROR);
    expect(closeCodeOf({ op: 14, d: { guild_id: GUILD, channels: { general: [[0, 99]] } } })).toBe(
      DECODE_ERROR,
    );
    expect(closeCodeOf({ op: 14, d: { guild_id: GUILD, channels: [] } })).toBe(DECODE_ERROR);
  });
});

describe('decodeInboundFrame: opcodes a client may not send close with 4001', () => {
  it('rejects server-only opcodes (DISPATCH, RECONNECT, INVALID_SESSION, HELLO, HEARTBEAT_ACK)', () => {
    for (const op of [0, 7, 9, 10, 11]) expect(closeCodeOf({ op, d: null })).toBe(UNKNOWN_OPCODE);
  });

  it('rejects opcodes no one defines', () => {
    for (const op of [5, 12, 13, 15, 99, -1, 2 ** 40])
      expect(closeCodeOf({ op, d: null })).toBe(UNKNOWN_OPCODE);
  });
});
