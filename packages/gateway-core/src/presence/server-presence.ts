import {
  type GatewayIdentifyData,
  type GatewayIdentifyProperties,
  GatewayOpcodes,
  type GatewayPresenceUpdateDispatchData,
} from 'discord-api-types/v10';
import type { GatewayFanOut } from '../fan-out.js';
import type { GatewaySession } from '../gateway-session.js';
import type { InboundFrame } from '../inbound-frame.js';
import type { PresenceTracker } from './presence-tracker.js';
import type { PresenceDevice } from './presence-types.js';
import { validatePresenceUpdate } from './validate-presence-update.js';

/** A protocol fault to close a connection with. */
export interface ConnectionFault {
  /** The gateway close code. */
  readonly closeCode: number;
  /** The close reason. */
  readonly reason: string;
}

/**
 * The client_status key of a session, from its IDENTIFY `properties.browser`: Discord's
 * mobile apps identify as `Discord iOS` / `Discord Android`, its desktop app as
 * `Discord Client`; everything else (browsers, bots, libraries) counts as `web`, which is
 * where Discord shows bots too.
 *
 * @param properties - the IDENTIFY's `properties`.
 * @returns the platform the session's status is shown under.
 * @example
 * ```ts
 * import { presenceDeviceOf } from '@guildkit/gateway-core';
 *
 * presenceDeviceOf({ os: 'ios', browser: 'Discord iOS', device: 'iPhone' }); // 'mobile'
 * ```
 */
export function presenceDeviceOf(properties: GatewayIdentifyProperties): PresenceDevice {
  const browser = properties.browser.toLowerCase();
  if (browser === 'discord ios' || browser === 'discord android') return 'mobile';
  if (browser === 'discord client') return 'desktop';
  return 'web';
}

/**
 * Connects a {@link PresenceTracker} to a gateway server's sessions: IDENTIFY's `presence`
 * is validated (4001) and published on READY, heartbeats refresh the session's time to live,
 * PRESENCE_UPDATE (op 3) goes through the tracker's rate limit and validation (4008, 4001),
 * a RESUME (on this node or from another) takes the stored presence over, a clean end
 * removes it, an expired resume window lets it go; the tracker's batches are delivered to
 * this node's sessions of each guild as low-priority PRESENCE_UPDATE dispatches.
 */
export class ServerPresence {
  readonly #tracker: PresenceTracker;
  readonly #onError: (error: unknown) => void;
  readonly #deliver: (guildId: string, updates: GatewayPresenceUpdateDispatchData[]) => void;
  /** READY / RESUMED registrations still in flight: a session's op 3 waits for its own. */
  readonly #registering = new Map<string, Promise<unknown>>();

  /**
   * @param tracker - the tracker (the caller's to close).
   * @param fanOut - where batches are delivered (this node's sessions only: every node's
   * tracker sees the shared store's changes).
   * @param onError - receives the tracker's store failures.
   */
  constructor(tracker: PresenceTracker, fanOut: GatewayFanOut, onError: (error: unknown) => void) {
    this.#tracker = tracker;
    this.#onError = onError;
    this.#deliver = (guildId, updates) => {
      for (const update of updates)
        fanOut.deliverToGuild(guildId, { t: 'PRESENCE_UPDATE', d: update, priority: 'low' });
    };
    tracker.on('presenceUpdate', this.#deliver);
    tracker.on('error', onError);
  }

  /**
   * @param identify - an IDENTIFY's data.
   * @returns the fault of an invalid `presence`, or `undefined`.
   */
  checkIdentify(identify: GatewayIdentifyData): ConnectionFault | undefined {
    if (identify.presence === undefined) return undefined;
    const validation = validatePresenceUpdate(identify.presence);
    if (validation.ok) return undefined;
    return { closeCode: validation.error.closeCode, reason: validation.error.message };
  }

  /** Publishes a READY session's presence (IDENTIFY's, or online). */
  ready(session: GatewaySession, identify: GatewayIdentifyData): void {
    const validation =
      identify.presence === undefined ? undefined : validatePresenceUpdate(identify.presence);
    this.#register(
      session,
      this.#tracker.connect({
        sessionId: session.id,
        userId: session.user.id,
        device: presenceDeviceOf(identify.properties),
        ...(validation?.ok === true ? { presence: validation.presence } : {}),
      }),
    );
  }

  /** Takes a RESUMED session's stored presence over. */
  resumed(session: GatewaySession): void {
    this.#register(session, this.#tracker.resume(session.id, session.user.id));
  }

  /** Refreshes a session's time to live. */
  heartbeat(session: GatewaySession): void {
    this.#track(this.#tracker.touch(session.id));
  }

  /**
   * Handles op 3.
   *
   * @param session - the sender.
   * @param frame - any frame of a ready session.
   * @param connection - the sender's connection, closed with the fault's code.
   * @returns whether the frame was a PRESENCE_UPDATE (and so is handled).
   */
  frame(
    session: GatewaySession,
    frame: InboundFrame,
    connection: { close(code: number, reason: string): void },
  ): boolean {
    if (frame.op !== GatewayOpcodes.PresenceUpdate) return false;
    const registered = this.#registering.get(session.id) ?? Promise.resolve();
    registered
      .then(() => this.#tracker.updateFromClient(session.id, frame.d))
      .then((result) => {
        if (!result.ok) connection.close(result.error.closeCode, result.error.message);
      }, this.#onError);
    return true;
  }

  /** Removes a session that ended for good. */
  ended(session: GatewaySession): void {
    this.#track(this.#tracker.disconnect(session.id));
  }

  /** Lets a session go whose resume window closed here. */
  expired(session: GatewaySession): void {
    this.#tracker.release(session.id);
  }

  /** Stops delivering the tracker's batches. */
  stop(): void {
    this.#tracker.off('presenceUpdate', this.#deliver);
    this.#tracker.off('error', this.#onError);
  }

  #register(session: GatewaySession, work: Promise<unknown>): void {
    const settled = work.catch(this.#onError);
    this.#registering.set(session.id, settled);
    void settled.then(() => {
      if (this.#registering.get(session.id) === settled) this.#registering.delete(session.id);
    });
  }

  #track(work: Promise<unknown>): void {
    work.catch(this.#onError);
  }
}
