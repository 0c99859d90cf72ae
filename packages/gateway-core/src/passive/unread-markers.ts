import type { GatewaySession } from '../gateway-session.js';

/** Who may see a channel's marker; `undefined` lets every session of the guild see it. */
export type ChannelAudience = ((session: GatewaySession) => boolean) | undefined;

/** A channel's newest message since the guild's last flush. */
export interface UnreadMarker {
  /** The channel. */
  readonly id: string;
  /** Its newest message. */
  readonly last_message_id: string;
}

interface PendingMarker {
  lastMessageId: string;
  audience: ChannelAudience;
}

/**
 * Collects, per large guild, each channel's newest message id between two passive updates, so
 * passive sessions learn what is unread from one small frame per interval instead of every
 * message.
 */
export class UnreadMarkers {
  readonly #pending = new Map<string, Map<string, PendingMarker>>();

  /**
   * Records a message.
   *
   * @returns `true` when it is the guild's first pending marker (time to schedule a flush).
   */
  record(
    guildId: string,
    channelId: string,
    messageId: string,
    audience: ChannelAudience,
  ): boolean {
    let channels = this.#pending.get(guildId);
    const first = channels === undefined;
    if (channels === undefined) {
      channels = new Map();
      this.#pending.set(guildId, channels);
    }
    const marker = channels.get(channelId);
    if (marker === undefined) channels.set(channelId, { lastMessageId: messageId, audience });
    else if (compareIds(messageId, marker.lastMessageId) > 0) {
      marker.lastMessageId = messageId;
      marker.audience = audience;
    }
    return first;
  }

  /**
   * Takes a guild's pending markers.
   *
   * @returns a function giving the markers one session may see (the same array for sessions
   * that see the same channels), or `undefined` when nothing is pending.
   */
  take(guildId: string): ((session: GatewaySession) => readonly UnreadMarker[]) | undefined {
    const channels = this.#pending.get(guildId);
    this.#pending.delete(guildId);
    if (channels === undefined) return undefined;
    const entries = [...channels].map(([id, marker]) => ({
      marker: { id, last_message_id: marker.lastMessageId } satisfies UnreadMarker,
      audience: marker.audience,
    }));
    if (entries.every((entry) => entry.audience === undefined)) {
      const all = entries.map((entry) => entry.marker);
      return () => all;
    }
    const bySubset = new Map<string, readonly UnreadMarker[]>();
    return (session) => {
      let key = '';
      for (const entry of entries) key += entry.audience?.(session) === false ? '0' : '1';
      let visible = bySubset.get(key);
      if (visible === undefined) {
        visible = entries.filter((_, index) => key[index] === '1').map((entry) => entry.marker);
        bySubset.set(key, visible);
      }
      return visible;
    };
  }

  /** Drops every pending marker. */
  clear(): void {
    this.#pending.clear();
  }
}

/** Orders two snowflakes (decimal strings without leading zeros). */
function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
