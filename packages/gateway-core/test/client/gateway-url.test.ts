import { buildGatewayUrl } from '@guildkit/gateway-core/client';
import { describe, expect, it } from 'vitest';

describe('buildGatewayUrl', () => {
  it.each([
    ['wss://gateway.test', false, 'wss://gateway.test/?v=10&encoding=json'],
    ['ws://127.0.0.1:8080/gw', false, 'ws://127.0.0.1:8080/gw?v=10&encoding=json'],
    ['wss://gateway.test/?a=1&b=2', false, 'wss://gateway.test/?a=1&b=2&v=10&encoding=json'],
    ['wss://gateway.test/?v=9&encoding=etf', false, 'wss://gateway.test/?v=10&encoding=json'],
    ['wss://gateway.test', true, 'wss://gateway.test/?v=10&encoding=json&compress=zlib-stream'],
    ['wss://gateway.test/?compress=zlib-stream', false, 'wss://gateway.test/?v=10&encoding=json'],
  ])('%s (compress %s) -> %s', (base, compress, expected) => {
    expect(buildGatewayUrl(base, compress)).toBe(expected);
  });

  it.each(['http://gateway.test', 'gateway.test', ''])(
    'rejects %j with GK_GATEWAY_CLIENT_INVALID_OPTION',
    (base) => {
      expect(() => buildGatewayUrl(base, false)).toThrow(
        expect.objectContaining({ code: 'GK_GATEWAY_CLIENT_INVALID_OPTION' }),
      );
    },
  );
});
