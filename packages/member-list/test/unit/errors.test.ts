import { readFileSync } from 'node:fs';
import { MemberListError, MemberListErrorCode } from '@guildkit/member-list';
import { describe, expect, it } from 'vitest';

const ERRORS_DOC = new URL('../../../../docs/errors.md', import.meta.url);

function documentedCodes(): string[] {
  const text = readFileSync(ERRORS_DOC, 'utf8');
  const start = text.indexOf('## @guildkit/member-list');
  expect(start).toBeGreaterThanOrEqual(0);
  const rest = text.slice(start + 1);
  const next = rest.indexOf('\n## ');
  const section = next === -1 ? rest : rest.slice(0, next);
  return [...section.matchAll(/^\|\s*`?(GK_[A-Z0-9_]+)`?\s*\|/gm)].map((match) => match[1]!);
}

describe('MemberListError', () => {
  it('carries its code and name', () => {
    const error = new MemberListError(MemberListErrorCode.UnknownMember, 'no such member');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('MemberListError');
    expect(error.code).toBe('GK_MEMBER_LIST_UNKNOWN_MEMBER');
  });

  it('prefixes every code with GK_MEMBER_LIST_', () => {
    for (const code of Object.values(MemberListErrorCode)) expect(code).toMatch(/^GK_MEMBER_LIST_/);
  });

  it('is documented in docs/errors.md: the section lists exactly the codes of the table', () => {
    expect(documentedCodes().sort()).toEqual(Object.values(MemberListErrorCode).sort());
  });
});
