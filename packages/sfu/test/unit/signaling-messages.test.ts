import { fc, test } from '@fast-check/vitest';
import { parseVoiceClientMessage } from '@guildkit/sfu';
import { describe, expect, it } from 'vitest';
import { codeOf } from '../support/code-of.js';

describe('parseVoiceClientMessage', () => {
  it('reads the four client messages from JSON text or parsed values', () => {
    expect(parseVoiceClientMessage('{"op":"join","token":"t","request":{}}')).toEqual({
      op: 'join',
      token: 't',
      request: {},
    });
    expect(
      parseVoiceClientMessage({ op: 'connect', request: { answer: 'v=0' }, extra: 1 }),
    ).toEqual({
      op: 'connect',
      request: { answer: 'v=0' },
    });
    expect(parseVoiceClientMessage({ op: 'produce', request: null })).toEqual({
      op: 'produce',
      request: null,
    });
    expect(parseVoiceClientMessage('{"op":"leave"}')).toEqual({ op: 'leave' });
  });

  it.each([
    ['not JSON', '{op:'],
    ['an array', '[]'],
    ['null', null],
    ['an unknown op', { op: 'speak' }],
    ['a join without a token', { op: 'join', request: {} }],
    ['a join with an empty token', { op: 'join', token: '', request: {} }],
    ['a connect without a request', { op: 'connect' }],
  ])('refuses %s with GK_SFU_INVALID_SIGNAL', (_name, raw) => {
    expect(codeOf(() => parseVoiceClientMessage(raw))).toBe('GK_SFU_INVALID_SIGNAL');
  });

  test.prop([fc.oneof(fc.string(), fc.jsonValue())])(
    'any input gives a message or GK_SFU_INVALID_SIGNAL, never another throw',
    (raw) => {
      let op: string | undefined;
      const code = codeOf(() => {
        op = parseVoiceClientMessage(raw).op;
      });
      if (code === undefined) expect(['join', 'connect', 'produce', 'leave']).toContain(op);
      else expect(code).toBe('GK_SFU_INVALID_SIGNAL');
    },
  );
});
