import { readFileSync } from 'node:fs';
import { SfuError, SfuErrorCode } from '@guildkit/sfu';
import { describe, expect, it } from 'vitest';

const ERRORS_DOC = new URL('../../../../docs/errors.md', import.meta.url);

function documentedCodes(): string[] {
  const text = readFileSync(ERRORS_DOC, 'utf8');
  const start = text.indexOf('## @guildkit/sfu');
  expect(start).toBeGreaterThanOrEqual(0);
  const rest = text.slice(start + 1);
  const next = rest.indexOf('\n## ');
  const section = next === -1 ? rest : rest.slice(0, next);
  return [...section.matchAll(/^\|\s*`?(GK_[A-Z0-9_]+)`?\s*\|/gm)].map((match) => match[1]!);
}

describe('SfuError', () => {
  it('carries its code and name', () => {
    const error = new SfuError(SfuErrorCode.NoCapacity, 'no room');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('SfuError');
    expect(error.code).toBe('GK_SFU_NO_CAPACITY');
  });

  it('prefixes every code with GK_SFU_', () => {
    for (const code of Object.values(SfuErrorCode)) expect(code).toMatch(/^GK_SFU_/);
  });

  it('is documented in docs/errors.md: the section lists exactly the codes of the table', () => {
    expect(documentedCodes().sort()).toEqual(Object.values(SfuErrorCode).sort());
  });
});
