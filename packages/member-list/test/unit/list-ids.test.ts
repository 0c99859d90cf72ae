import { MemberListErrorCode, MemberListIds } from '@guildkit/member-list';
import { describe, expect, it } from 'vitest';

describe('MemberListIds', () => {
  it('names channels visible to everyone "everyone" and others by a stable hash of their overwrites', async () => {
    const ids = await MemberListIds.create();
    expect(ids.listIdFor({ visibleToEveryone: true, overwrites: [] })).toBe('everyone');
    const staff = { id: '175928847299117063', allowsView: true, deniesView: false };
    const everyone = { id: '81384788765712384', allowsView: false, deniesView: true };
    const a = ids.listIdFor({ visibleToEveryone: false, overwrites: [staff, everyone] });
    const b = ids.listIdFor({ visibleToEveryone: false, overwrites: [everyone, staff] });
    const c = ids.listIdFor({ visibleToEveryone: false, overwrites: [everyone] });
    expect(a).toMatch(/^\d+$/);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
    expect(
      ids.listIdFor({
        visibleToEveryone: false,
        overwrites: [{ ...staff, allowsView: false }, everyone],
      }),
    ).toBe(c);
  });

  it('rejects malformed overwrites', async () => {
    const ids = await MemberListIds.create();
    expect(() =>
      ids.listIdFor({
        visibleToEveryone: false,
        overwrites: [{ id: '', allowsView: true, deniesView: false }],
      }),
    ).toThrow(expect.objectContaining({ code: MemberListErrorCode.InvalidArgument }));
  });
});
