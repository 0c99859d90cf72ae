import { MemoryGuildStore } from '../../src/memory-guild-store.js';
import { describeGuildStoreConformance } from '../../src/testing-guild.js';

describeGuildStoreConformance('MemoryGuildStore', {
  create: async (clock) => new MemoryGuildStore({ clock }),
});
