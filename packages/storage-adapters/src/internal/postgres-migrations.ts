/**
 * The guild store's schema, as versioned migrations. Each runs once, in its own transaction,
 * recorded in `<schema>.guildkit_migrations`; a session-level advisory lock per schema makes
 * concurrent `migrate()` calls (several processes starting at once) run one after another.
 *
 * Ids are `numeric(20,0)`: Snowflakes go up to 2^64-1, past `bigint`'s 2^63-1; permission
 * bitfields likewise. Times are epoch ms in `bigint`.
 */
import type { Pool, PoolClient } from 'pg';

/** One schema change. */
export interface Migration {
  /** Applied in ascending order; never reused. */
  readonly version: number;
  /** What it does, recorded with it. */
  readonly name: string;
  /** @returns its statements for the quoted schema `s`. */
  readonly statements: (s: string) => readonly string[];
}

/** Every migration of the guild store, oldest first. */
export const GUILD_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'guilds, channels, overwrites, roles, members',
    statements: (s) => [
      `CREATE TABLE ${s}.guilds (
        id numeric(20,0) PRIMARY KEY,
        name text NOT NULL,
        owner_id numeric(20,0) NOT NULL
      )`,
      `CREATE TABLE ${s}.channels (
        guild_id numeric(20,0) NOT NULL REFERENCES ${s}.guilds (id) ON DELETE CASCADE,
        id numeric(20,0) NOT NULL,
        type smallint NOT NULL,
        name text NOT NULL,
        position integer NOT NULL,
        parent_id numeric(20,0),
        topic text,
        nsfw boolean NOT NULL,
        rate_limit_per_user integer NOT NULL,
        PRIMARY KEY (guild_id, id)
      )`,
      `CREATE TABLE ${s}.channel_overwrites (
        guild_id numeric(20,0) NOT NULL,
        channel_id numeric(20,0) NOT NULL,
        id numeric(20,0) NOT NULL,
        type smallint NOT NULL CHECK (type IN (0, 1)),
        allow numeric(20,0) NOT NULL,
        deny numeric(20,0) NOT NULL,
        PRIMARY KEY (guild_id, channel_id, id),
        FOREIGN KEY (guild_id, channel_id) REFERENCES ${s}.channels (guild_id, id) ON DELETE CASCADE
      )`,
      `CREATE TABLE ${s}.roles (
        guild_id numeric(20,0) NOT NULL REFERENCES ${s}.guilds (id) ON DELETE CASCADE,
        id numeric(20,0) NOT NULL,
        name text NOT NULL,
        permissions numeric(20,0) NOT NULL,
        position integer NOT NULL,
        hoist boolean NOT NULL,
        color integer NOT NULL,
        mentionable boolean NOT NULL,
        managed boolean NOT NULL,
        PRIMARY KEY (guild_id, id)
      )`,
      `CREATE TABLE ${s}.members (
        guild_id numeric(20,0) NOT NULL REFERENCES ${s}.guilds (id) ON DELETE CASCADE,
        user_id numeric(20,0) NOT NULL,
        nick text,
        role_ids numeric(20,0)[] NOT NULL,
        joined_at bigint NOT NULL,
        communication_disabled_until bigint,
        PRIMARY KEY (guild_id, user_id)
      )`,
    ],
  },
  {
    version: 2,
    name: 'index members by role, for role deletes',
    statements: (s) => [`CREATE INDEX members_role_ids ON ${s}.members USING gin (role_ids)`],
  },
];

/** First key of the advisory lock (ASCII "GKGS"); the second is a hash of the schema name. */
const LOCK_CLASS = 0x474b4753;

async function applyOne(client: PoolClient, s: string, migration: Migration): Promise<void> {
  await client.query('BEGIN');
  try {
    for (const statement of migration.statements(s)) await client.query(statement);
    await client.query(`INSERT INTO ${s}.guildkit_migrations (version, name) VALUES ($1, $2)`, [
      migration.version,
      migration.name,
    ]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

/**
 * Brings `schema` up to the newest migration.
 *
 * @param pool - where to connect.
 * @param schema - the schema's name (a validated identifier).
 * @param migrations - the migrations, oldest first.
 * @returns the versions this call applied (empty when the schema was current).
 */
export async function runMigrations(
  pool: Pool,
  schema: string,
  migrations: readonly Migration[] = GUILD_MIGRATIONS,
): Promise<number[]> {
  const s = `"${schema}"`;
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [LOCK_CLASS, schema]);
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${s}.guildkit_migrations (
          version integer PRIMARY KEY,
          name text NOT NULL,
          applied_at timestamptz NOT NULL DEFAULT now()
        )`,
      );
      const { rows } = await client.query<{ version: number }>(
        `SELECT version FROM ${s}.guildkit_migrations`,
      );
      const done = new Set(rows.map((row) => row.version));
      const applied: number[] = [];
      for (const migration of migrations) {
        if (done.has(migration.version)) continue;
        await applyOne(client, s, migration);
        applied.push(migration.version);
      }
      return applied;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_CLASS, schema]);
    }
  } finally {
    client.release();
  }
}
