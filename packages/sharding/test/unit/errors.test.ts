import { readFileSync } from 'node:fs';
import { ShardingError, ShardingErrorCode } from '@guildkit/sharding';
import { describe, expect, it } from 'vitest';

const ERRORS_DOC = new URL('../../../../docs/errors.md', import.meta.url);

function documentedCodes(): string[] {
  const text = readFileSync(ERRORS_DOC, 'utf8');
  const start = text.indexOf('## @guildkit/sharding');
  expect(start).toBeGreaterThanOrEqual(0);
  const rest = text.slice(start + 1);
  const next = rest.indexOf('\n## ');
  const section = next === -1 ? rest : rest.slice(0, next);
  return [...section.matchAll(/^\|\s*`?(GK_[A-Z0-9_]+)`?\s*\|/gm)].map((match) => match[1]!);
}

describe('ShardingError', () => {
  it('carries its code and name', () => {
    const error = new ShardingError(ShardingErrorCode.EmptyRing, 'no nodes');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ShardingError');
    expect(error.code).toBe('GK_SHARDING_EMPTY_RING');
  });

  it('prefixes every code with GK_SHARDING_', () => {
    for (const code of Object.values(ShardingErrorCode)) expect(code).toMatch(/^GK_SHARDING_/);
  });

  it('is documented in docs/errors.md: the section lists exactly the codes of the table', () => {
    expect(documentedCodes().sort()).toEqual(Object.values(ShardingErrorCode).sort());
  });
});
