import { closeCodeAction, GATEWAY_CLOSE_CODE_ACTIONS } from '@guildkit/gateway-core/client';
import { describe, expect, it } from 'vitest';

describe('close code decisions', () => {
  it('lists every gateway close code and the common WebSocket ones, in order, with its action', () => {
    expect(
      GATEWAY_CLOSE_CODE_ACTIONS.map(({ code, name, action }) => [code, name, action]),
    ).toEqual([
      [1000, 'NormalClosure', 'resume'],
      [1001, 'GoingAway', 'resume'],
      [1006, 'AbnormalClosure', 'resume'],
      [4000, 'UnknownError', 'resume'],
      [4001, 'UnknownOpcode', 'resume'],
      [4002, 'DecodeError', 'resume'],
      [4003, 'NotAuthenticated', 'resume'],
      [4004, 'AuthenticationFailed', 'stop'],
      [4005, 'AlreadyAuthenticated', 'resume'],
      [4007, 'InvalidSeq', 'reidentify'],
      [4008, 'RateLimited', 'resume'],
      [4009, 'SessionTimedOut', 'reidentify'],
      [4010, 'InvalidShard', 'stop'],
      [4011, 'ShardingRequired', 'stop'],
      [4012, 'InvalidAPIVersion', 'stop'],
      [4013, 'InvalidIntents', 'stop'],
      [4014, 'DisallowedIntents', 'stop'],
    ]);
  });

  it('treats codes it does not know as transient', () => {
    expect(closeCodeAction(1011)).toBe('resume');
    expect(closeCodeAction(4200)).toBe('resume');
  });
});
