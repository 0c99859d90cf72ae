import { MemoryGuildStore } from '@guildkit/storage-adapters';
import { describeGuildStoreConformance } from '@guildkit/storage-adapters/testing';

describeGuildStoreConformance('MemoryGuildStore', {
  create: async (clock) => new MemoryGuildStore({ clock }),
});
