import { readFileSync } from 'node:fs';
import {
  StorageError,
  StorageErrorCode,
  StorageUnavailableError,
} from '@guildkit/storage-adapters';
import { describe, expect, it } from 'vitest';

function documentedCodes(): string[] {
  const doc = readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');
  const start = doc.indexOf('## @guildkit/storage-adapters');
  expect(start).toBeGreaterThanOrEqual(0);
  const rest = doc.slice(start + 1);
  const end = rest.indexOf('\n## ');
  const section = end === -1 ? rest : rest.slice(0, end);
  return [...section.matchAll(/^\|\s*`?(GK_[A-Z0-9_]+)`?\s*\|/gm)].map((match) => match[1] ?? '');
}

describe('StorageError', () => {
  it('carries its code and the name StorageError', () => {
    const error = new StorageError(StorageErrorCode.UnknownMessage, 'gone');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('StorageError');
    expect(error.code).toBe('GK_STORAGE_UNKNOWN_MESSAGE');
  });

  it('has StorageUnavailableError carry GK_STORAGE_UNAVAILABLE and the cause', () => {
    const cause = new Error('ECONNREFUSED');
    const error = new StorageUnavailableError('down after 3 attempts', { cause });
    expect(error).toBeInstanceOf(StorageError);
    expect(error.name).toBe('StorageUnavailableError');
    expect(error.code).toBe('GK_STORAGE_UNAVAILABLE');
    expect(error.cause).toBe(cause);
  });

  it('prefixes every code with GK_STORAGE_ and never reuses one', () => {
    const codes = Object.values(StorageErrorCode);
    for (const code of codes) expect(code).toMatch(/^GK_STORAGE_[A-Z_]+$/);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('is documented in docs/errors.md with exactly the codes of the error table', () => {
    const documented = documentedCodes();
    expect(new Set(documented).size).toBe(documented.length);
    expect([...documented].sort()).toEqual([...Object.values(StorageErrorCode)].sort());
  });
});
