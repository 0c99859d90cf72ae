import type { GatewaySession } from '../gateway-session.js';

/**
 * Which sessions are active in which large guilds: a session is active in at most
 * `maxPerSession` of them, the ones it looked at last (a client shows one guild at a time);
 * activating one more demotes the least recently activated.
 */
export class ActiveGuilds {
  readonly #maxPerSession: number;
  readonly #byGuild = new Map<string, Set<GatewaySession>>();
  /** Each session's active guilds, least recently activated first. */
  readonly #bySession = new Map<GatewaySession, string[]>();

  /** @param maxPerSession - how many guilds one session may be active in at once (>= 1). */
  constructor(maxPerSession: number) {
    this.#maxPerSession = maxPerSession;
  }

  /** The active sessions of a guild (live view; do not mutate). */
  sessionsOf(guildId: string): ReadonlySet<GatewaySession> | undefined {
    return this.#byGuild.get(guildId);
  }

  /** Whether a session is active in a guild. */
  has(session: GatewaySession, guildId: string): boolean {
    return this.#byGuild.get(guildId)?.has(session) === true;
  }

  /**
   * Makes a session active in a guild (or refreshes it as the most recent).
   *
   * @returns the guild it was demoted from to stay within the limit, if any.
   */
  activate(session: GatewaySession, guildId: string): string | undefined {
    let guilds = this.#bySession.get(session);
    if (guilds === undefined) {
      guilds = [];
      this.#bySession.set(session, guilds);
    }
    const at = guilds.indexOf(guildId);
    if (at >= 0) guilds.splice(at, 1);
    guilds.push(guildId);
    let set = this.#byGuild.get(guildId);
    if (set === undefined) {
      set = new Set();
      this.#byGuild.set(guildId, set);
    }
    set.add(session);
    if (guilds.length <= this.#maxPerSession) return undefined;
    const demoted = guilds.shift();
    if (demoted !== undefined) this.#leave(session, demoted);
    return demoted;
  }

  /** @returns whether the session was active in the guild. */
  deactivate(session: GatewaySession, guildId: string): boolean {
    const guilds = this.#bySession.get(session);
    const at = guilds?.indexOf(guildId) ?? -1;
    if (guilds === undefined || at < 0) return false;
    guilds.splice(at, 1);
    if (guilds.length === 0) this.#bySession.delete(session);
    this.#leave(session, guildId);
    return true;
  }

  /** Forgets a session everywhere (it ended). */
  forget(session: GatewaySession): void {
    const guilds = this.#bySession.get(session);
    if (guilds === undefined) return;
    this.#bySession.delete(session);
    for (const guildId of guilds) this.#leave(session, guildId);
  }

  #leave(session: GatewaySession, guildId: string): void {
    const set = this.#byGuild.get(guildId);
    if (set === undefined) return;
    set.delete(session);
    if (set.size === 0) this.#byGuild.delete(guildId);
  }
}
