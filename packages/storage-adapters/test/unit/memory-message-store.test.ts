import { MemoryMessageStore } from '@guildkit/storage-adapters';
import { describeMessageStoreConformance } from '@guildkit/storage-adapters/testing';
import { describe, expect, it } from 'vitest';

describeMessageStoreConformance('MemoryMessageStore', {
  create: async (clock) => new MemoryMessageStore({ clock }),
});

describe('MemoryMessageStore specifics', () => {
  const message = { id: '175928847299117063', channelId: '42', authorId: '7', content: 'hi' };

  it('returns deep-frozen records', async () => {
    const store = new MemoryMessageStore();
    const record = await store.create({ ...message, embeds: [{ title: 't', fields: [] }] });
    expect(Object.isFrozen(record)).toBe(true);
    expect(Object.isFrozen(record.embeds)).toBe(true);
    expect(Object.isFrozen(record.embeds[0])).toBe(true);
    expect(Object.isFrozen(record.embeds[0]?.fields)).toBe(true);
    expect(Object.isFrozen((await store.list('42'))[0])).toBe(true);
  });

  it('refuses an embed that cannot be cloned', async () => {
    const store = new MemoryMessageStore();
    const embed = { title: 't', footer: { text: 'f', icon: () => 'x' } };
    await expect(store.create({ ...message, embeds: [embed] })).rejects.toMatchObject({
      code: 'GK_STORAGE_INVALID_ARGUMENT',
    });
    expect(await store.list('42')).toEqual([]);
  });

  it('reads the real clock by default', async () => {
    const store = new MemoryMessageStore();
    await store.create(message);
    const before = Date.now();
    const edited = await store.edit('42', message.id, { content: 'edited' });
    const at = Date.parse(edited.editedTimestamp ?? '');
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(Date.now());
  });
});
