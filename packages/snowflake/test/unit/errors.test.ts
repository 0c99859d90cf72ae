import { readFileSync } from 'node:fs';
import { SnowflakeError, SnowflakeErrorCode } from '@guildkit/snowflake';
import { describe, expect, it } from 'vitest';

function documentedCodes(): string[] {
  const doc = readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');
  const start = doc.indexOf('## @guildkit/snowflake');
  expect(start).toBeGreaterThanOrEqual(0);
  const rest = doc.slice(start + 1);
  const end = rest.indexOf('\n## ');
  const section = end === -1 ? rest : rest.slice(0, end);
  return [...section.matchAll(/^\|\s*`?(GK_[A-Z0-9_]+)`?\s*\|/gm)].map((match) => match[1] ?? '');
}

describe('SnowflakeError', () => {
  it('carries its code and the name SnowflakeError', () => {
    const error = new SnowflakeError(SnowflakeErrorCode.MalformedId, 'bad');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('SnowflakeError');
    expect(error.code).toBe('GK_SNOWFLAKE_MALFORMED_ID');
  });

  it('prefixes every code with GK_SNOWFLAKE_ and never reuses one', () => {
    const codes = Object.values(SnowflakeErrorCode);
    for (const code of codes) expect(code).toMatch(/^GK_SNOWFLAKE_[A-Z_]+$/);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('is documented in docs/errors.md with exactly the codes of the error table', () => {
    const documented = documentedCodes();
    expect(new Set(documented).size).toBe(documented.length);
    expect([...documented].sort()).toEqual([...Object.values(SnowflakeErrorCode)].sort());
  });
});
