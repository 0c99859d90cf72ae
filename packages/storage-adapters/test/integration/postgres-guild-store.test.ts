import { randomUUID } from 'node:crypto';
import type { GuildStore } from '@guildkit/storage-adapters';
import { StorageErrorCode } from '@guildkit/storage-adapters';
import { PostgresGuildStore } from '@guildkit/storage-adapters/postgres';
import { describeGuildStoreConformance } from '@guildkit/storage-adapters/testing';
import { POSTGRES, requireService } from '@guildkit/testkit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GUILD_MIGRATIONS, runMigrations } from '../../src/internal/postgres-migrations.js';

const available = await requireService(POSTGRES);

const GUILD = '81384788765712384';
const OWNER = '53908232506183680';
const ALL_VERSIONS = GUILD_MIGRATIONS.map((migration) => migration.version);
const runId = randomUUID().replaceAll('-', '').slice(0, 12);
let schemaCount = 0;

function newPool(port = POSTGRES.port): pg.Pool {
  return new pg.Pool({ host: POSTGRES.host, port, user: 'postgres', database: 'test', max: 4 });
}

function freshSchema(): string {
  schemaCount += 1;
  return `gk_guild_${runId}_${schemaCount}`;
}

function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
}

describe.skipIf(!available)('PostgresGuildStore against the local PostgreSQL', () => {
  let pool: pg.Pool;
  const schemas = new WeakMap<GuildStore, string>();

  beforeAll(() => {
    pool = newPool();
  });

  afterAll(async () => {
    const { rows } = await pool.query<{ nspname: string }>(
      'SELECT nspname FROM pg_namespace WHERE nspname LIKE $1',
      [`gk_guild_${runId}_%`],
    );
    for (const { nspname } of rows) await pool.query(`DROP SCHEMA "${nspname}" CASCADE`);
    await pool.end();
  });

  async function openStore(clock?: { now(): number }): Promise<PostgresGuildStore> {
    const schema = freshSchema();
    const store = new PostgresGuildStore({ pool, schema, ...(clock !== undefined && { clock }) });
    await store.migrate();
    schemas.set(store, schema);
    return store;
  }

  describeGuildStoreConformance('PostgresGuildStore', {
    create: (clock) => openStore(clock),
    destroy: async (store) => {
      await store.close();
      await pool.query(`DROP SCHEMA "${schemas.get(store)}" CASCADE`);
    },
  });

  describe('migrations', () => {
    it('applies every migration once and is idempotent', async () => {
      const schema = freshSchema();
      const store = new PostgresGuildStore({ pool, schema });
      expect(await store.migrate()).toEqual(ALL_VERSIONS);
      expect(await store.migrate()).toEqual([]);
      const { rows } = await pool.query<{ version: number }>(
        `SELECT version FROM "${schema}".guildkit_migrations ORDER BY version`,
      );
      expect(rows.map((row) => row.version)).toEqual(ALL_VERSIONS);
    });

    it('lets two processes race to migrate one schema: each migration runs exactly once', async () => {
      const schema = freshSchema();
      const pools = [newPool(), newPool()];
      try {
        const stores = pools.map((each) => new PostgresGuildStore({ pool: each, schema }));
        const applied = await Promise.all(stores.map((store) => store.migrate()));
        expect(applied.flat().sort()).toEqual(ALL_VERSIONS);
        const { rows } = await pool.query<{ count: string }>(
          `SELECT count(*) FROM "${schema}".guildkit_migrations`,
        );
        expect(Number(rows[0]?.count)).toBe(ALL_VERSIONS.length);
        await stores[0]?.createGuild({ id: GUILD, name: 'Raced', ownerId: OWNER });
        expect(await stores[1]?.getGuild(GUILD)).toMatchObject({ name: 'Raced' });
      } finally {
        await Promise.all(pools.map((each) => each.end()));
      }
    });

    it('rolls a failing migration back entirely and records nothing for it', async () => {
      const schema = freshSchema();
      const failing = [
        ...GUILD_MIGRATIONS,
        {
          version: 99,
          name: 'fails halfway',
          statements: (s: string) => [`CREATE TABLE ${s}.half_done (a integer)`, 'SELECT 1 / 0'],
        },
      ];
      await expect(runMigrations(pool, schema, failing)).rejects.toThrow(/division by zero/);
      const tables = await pool.query(
        `SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'half_done'`,
        [schema],
      );
      expect(tables.rowCount).toBe(0);
      const { rows } = await pool.query<{ version: number }>(
        `SELECT version FROM "${schema}".guildkit_migrations ORDER BY version`,
      );
      expect(rows.map((row) => row.version)).toEqual(ALL_VERSIONS);
    });

    it('refuses a schema name that is not a plain identifier', () => {
      for (const schema of ['Guild', 'a-b', 'x"; DROP TABLE y; --', '', 'a'.repeat(64)]) {
        expect(() => new PostgresGuildStore({ pool, schema })).toThrow(
          expect.objectContaining({ code: StorageErrorCode.InvalidArgument }),
        );
      }
    });
  });

  describe('transactions and storage', () => {
    it('leaves nothing changed when a reorder fails in the middle', async () => {
      const store = await openStore();
      const schema = schemas.get(store)!;
      await store.createGuild({ id: GUILD, name: 'Guildkit', ownerId: OWNER });
      for (const [index, id] of ['1001', '1002', '1003'].entries()) {
        await store.createChannel(GUILD, { id, type: 0, name: `c${index}`, position: index });
        await store.createRole(GUILD, {
          id: `200${index}`,
          name: `r${index}`,
          position: index + 1,
        });
      }
      const channelsBefore = await store.listChannels(GUILD);
      const rolesBefore = await store.listRoles(GUILD);
      await pool.query(`
        CREATE FUNCTION "${schema}".refuse_13() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.position = 13 THEN RAISE EXCEPTION 'injected failure at position 13'; END IF;
          RETURN NEW;
        END $$`);
      for (const table of ['channels', 'roles']) {
        await pool.query(
          `CREATE TRIGGER refuse_13 BEFORE UPDATE ON "${schema}".${table}
          FOR EACH ROW EXECUTE FUNCTION "${schema}".refuse_13()`,
        );
      }
      const channelError = await rejection(
        store.reorderChannels(GUILD, [
          { id: '1003', position: 0 },
          { id: '1002', position: 13 },
          { id: '1001', position: 2 },
        ]),
      );
      expect(channelError).toMatchObject({ code: StorageErrorCode.Unavailable });
      expect(String((channelError as Error).cause)).toMatch(/injected failure/);
      expect(await store.listChannels(GUILD)).toEqual(channelsBefore);
      const roleError = await rejection(
        store.reorderRoles(GUILD, [
          { id: '2002', position: 1 },
          { id: '2001', position: 13 },
        ]),
      );
      expect(roleError).toMatchObject({ code: StorageErrorCode.Unavailable });
      expect(await store.listRoles(GUILD)).toEqual(rolesBefore);
      await store.close();
    });

    it('stores 64-bit permissions as exact numerics', async () => {
      const store = await openStore();
      const schema = schemas.get(store)!;
      await store.createGuild({ id: GUILD, name: 'Guildkit', ownerId: OWNER });
      await store.createRole(GUILD, { id: '2001', name: 'all', permissions: 2n ** 64n - 1n });
      await store.createRole(GUILD, { id: '2002', name: 'odd', permissions: 2n ** 53n + 1n });
      const { rows } = await pool.query<{ id: string; permissions: string }>(
        `SELECT id::text, permissions::text FROM "${schema}".roles WHERE guild_id = $1 ORDER BY id`,
        [GUILD],
      );
      expect(rows.filter((row) => row.id !== GUILD)).toEqual([
        { id: '2001', permissions: '18446744073709551615' },
        { id: '2002', permissions: '9007199254740993' },
      ]);
      await store.close();
    });

    it('serializes changes to one guild made through two pools', async () => {
      const schema = freshSchema();
      const pools = [newPool(), newPool()];
      try {
        const stores = pools.map((each) => new PostgresGuildStore({ pool: each, schema }));
        await stores[0]!.migrate();
        const creates = await Promise.allSettled(
          stores.map((store) => store.createGuild({ id: GUILD, name: 'Guildkit', ownerId: OWNER })),
        );
        expect(creates.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
        const lost = creates.find((result) => result.status === 'rejected');
        expect(lost?.reason).toMatchObject({ code: StorageErrorCode.AlreadyExists });
        await Promise.all(
          Array.from({ length: 20 }, (_, index) =>
            stores[index % 2]!.addMember(GUILD, { userId: String(5000 + index) }),
          ),
        );
        const members = await stores[0]!.listMembers(GUILD, { limit: 1000 });
        expect(members).toHaveLength(21);
      } finally {
        await Promise.all(pools.map((each) => each.end()));
      }
    });

    it('answers UNAVAILABLE, not a driver error, when PostgreSQL cannot be reached', async () => {
      const unreachable = newPool(1);
      try {
        const store = new PostgresGuildStore({ pool: unreachable, schema: 'nowhere' });
        const read = await rejection(store.getGuild(GUILD));
        expect(read).toMatchObject({ code: StorageErrorCode.Unavailable });
        const write = await rejection(store.createGuild({ id: GUILD, name: 'x1', ownerId: OWNER }));
        expect(write).toMatchObject({ code: StorageErrorCode.Unavailable });
        expect(await rejection(store.migrate())).toMatchObject({
          code: StorageErrorCode.Unavailable,
        });
      } finally {
        await unreachable.end();
      }
    });
  });
});
