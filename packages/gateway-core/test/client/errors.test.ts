import { readFileSync } from 'node:fs';
import { GatewayClientError, GatewayClientErrorCode } from '@guildkit/gateway-core/client';
import { describe, expect, it } from 'vitest';

const ERRORS_DOC = new URL('../../../../docs/errors.md', import.meta.url);
const SECTION = '## @guildkit/gateway-core/client';

function documentedCodes(): string[] {
  const text = readFileSync(ERRORS_DOC, 'utf8');
  const start = text.indexOf(SECTION);
  expect(start).toBeGreaterThanOrEqual(0);
  const rest = text.slice(start + SECTION.length);
  const next = rest.indexOf('\n## ');
  const section = next === -1 ? rest : rest.slice(0, next);
  return [...section.matchAll(/^\|\s*`?(GK_[A-Z0-9_]+)`?\s*\|/gm)].map((match) => match[1]!);
}

describe('GatewayClientError', () => {
  it('carries its code, name, close code and cause', () => {
    const cause = new Error('root');
    const error = new GatewayClientError(GatewayClientErrorCode.FatalClose, 'bad token', {
      cause,
      closeCode: 4004,
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('GatewayClientError');
    expect(error.code).toBe('GK_GATEWAY_CLIENT_FATAL_CLOSE');
    expect(error.closeCode).toBe(4004);
    expect(error.cause).toBe(cause);
  });

  it('prefixes every code with GK_GATEWAY_CLIENT_', () => {
    for (const code of Object.values(GatewayClientErrorCode))
      expect(code).toMatch(/^GK_GATEWAY_CLIENT_/);
  });

  it('is documented in docs/errors.md: the section lists exactly the codes of the table', () => {
    expect(documentedCodes().sort()).toEqual(Object.values(GatewayClientErrorCode).sort());
  });
});
