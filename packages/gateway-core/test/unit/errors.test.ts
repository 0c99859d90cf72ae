import { readFileSync } from 'node:fs';
import {
  GatewayError,
  GatewayErrorCode,
  PresenceErrorCode,
  SessionStoreErrorCode,
} from '@guildkit/gateway-core';
import { describe, expect, it } from 'vitest';

const ERRORS_DOC = new URL('../../../../docs/errors.md', import.meta.url);

function documentedCodes(): string[] {
  const text = readFileSync(ERRORS_DOC, 'utf8');
  const start = text.indexOf('## @guildkit/gateway-core');
  expect(start).toBeGreaterThanOrEqual(0);
  const rest = text.slice(start + 1);
  const next = rest.indexOf('\n## ');
  const section = next === -1 ? rest : rest.slice(0, next);
  return [...section.matchAll(/^\|\s*`?(GK_[A-Z0-9_]+)`?\s*\|/gm)].map((match) => match[1]!);
}

/** The codes of `GatewayError`, `PresenceError` and `SessionStoreError`. */
function allCodes(): string[] {
  return [
    ...Object.values(GatewayErrorCode),
    ...Object.values(PresenceErrorCode),
    ...Object.values(SessionStoreErrorCode),
  ];
}

describe('GatewayError', () => {
  it('carries its code, name and cause', () => {
    const cause = new Error('root');
    const error = new GatewayError(GatewayErrorCode.InvalidOption, 'bad', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('GatewayError');
    expect(error.code).toBe('GK_GATEWAY_INVALID_OPTION');
    expect(error.cause).toBe(cause);
  });

  it('prefixes every code with GK_GATEWAY_, and no two tables share one', () => {
    const codes = allCodes();
    for (const code of codes) expect(code).toMatch(/^GK_GATEWAY_/);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('is documented in docs/errors.md: the section lists exactly the codes of the tables', () => {
    expect(documentedCodes().sort()).toEqual(allCodes().sort());
  });
});
