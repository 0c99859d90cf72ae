import { readFileSync } from 'node:fs';
import { PermissionsError, PermissionsErrorCode } from '@guildkit/permissions';
import { describe, expect, it } from 'vitest';

function documentedCodes(): string[] {
  const doc = readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');
  const start = doc.indexOf('## @guildkit/permissions');
  expect(start).toBeGreaterThanOrEqual(0);
  const rest = doc.slice(start + 1);
  const next = rest.indexOf('\n## ');
  const section = next === -1 ? rest : rest.slice(0, next);
  return [...section.matchAll(/^\|\s*`?(GK_[A-Z0-9_]+)`?\s*\|/gm)].map((match) => match[1]!);
}

describe('PermissionsErrorCode', () => {
  it('is listed exactly in docs/errors.md', () => {
    expect(documentedCodes().sort()).toEqual(Object.values(PermissionsErrorCode).sort());
  });

  it('uses the GK_PERMISSIONS_ prefix', () => {
    for (const code of Object.values(PermissionsErrorCode))
      expect(code).toMatch(/^GK_PERMISSIONS_[A-Z_]+$/);
  });
});

describe('PermissionsError', () => {
  it('carries its code, name and cause', () => {
    const cause = new Error('root');
    const error = new PermissionsError(PermissionsErrorCode.UnknownRole, 'role 1 is unknown', {
      cause,
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('PermissionsError');
    expect(error.code).toBe('GK_PERMISSIONS_UNKNOWN_ROLE');
    expect(error.message).toBe('role 1 is unknown');
    expect(error.cause).toBe(cause);
  });
});
