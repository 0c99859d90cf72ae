import type { GatewaySession } from './gateway-session.js';
import type { TimerHandle, TimerWheel } from './timer-wheel.js';

/**
 * Where detached sessions wait to be resumed. The in-memory {@link MemorySessionRegistry}
 * serves one node; a shared store can implement the same role later.
 *
 * @example
 * ```ts
 * registry.detach(session, clock.now() + 180_000);
 * registry.get(sessionId, clock.now()); // the session, until the window closes
 * ```
 */
export interface SessionRegistry {
  /**
   * Keeps a detached session resumable until `expiresAtMs`; then it is ended and forgotten.
   *
   * @param session - the detached session.
   * @param expiresAtMs - the end of its resume window, on the registry's clock.
   */
  detach(session: GatewaySession, expiresAtMs: number): void;
  /**
   * Looks a detached session up without removing it.
   *
   * @param sessionId - the RESUME's `session_id`.
   * @param now - the current time in ms.
   * @returns the session, or `undefined` when unknown or its window has closed.
   */
  get(sessionId: string, now: number): GatewaySession | undefined;
  /**
   * Forgets a session (it was resumed) without ending it.
   *
   * @param sessionId - the session's id.
   * @returns whether it was registered.
   */
  remove(sessionId: string): boolean;
}

/** Options for {@link MemorySessionRegistry}. */
export interface MemorySessionRegistryOptions {
  /** The wheel that ends sessions whose resume window closes; share it with the connections. */
  readonly wheel: TimerWheel;
}

interface Entry {
  readonly session: GatewaySession;
  readonly expiresAtMs: number;
  readonly timer: TimerHandle;
}

/**
 * A {@link SessionRegistry} in a `Map`, with one timer-wheel deadline per detached session.
 *
 * @example
 * ```ts
 * import { MemorySessionRegistry, TimerWheel } from '@guildkit/gateway-core';
 *
 * const wheel = new TimerWheel();
 * const registry = new MemorySessionRegistry({ wheel });
 * ```
 */
export class MemorySessionRegistry implements SessionRegistry {
  readonly #wheel: TimerWheel;
  readonly #entries = new Map<string, Entry>();

  /**
   * @param options - the timer wheel for resume windows.
   */
  constructor(options: MemorySessionRegistryOptions) {
    this.#wheel = options.wheel;
  }

  /** How many sessions are waiting to be resumed. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * {@inheritDoc SessionRegistry.detach}
   * @throws GatewayError `GK_GATEWAY_INVALID_DEADLINE` when `expiresAtMs` is not finite;
   * `GK_GATEWAY_CLOSED` when the wheel is closed.
   */
  detach(session: GatewaySession, expiresAtMs: number): void {
    this.remove(session.id);
    const timer = this.#wheel.schedule(expiresAtMs, () => this.#expire(session));
    this.#entries.set(session.id, { session, expiresAtMs, timer });
  }

  /** {@inheritDoc SessionRegistry.get} */
  get(sessionId: string, now: number): GatewaySession | undefined {
    const entry = this.#entries.get(sessionId);
    if (entry === undefined) return undefined;
    if (now >= entry.expiresAtMs) {
      this.#expire(entry.session);
      return undefined;
    }
    return entry.session;
  }

  /** {@inheritDoc SessionRegistry.remove} */
  remove(sessionId: string): boolean {
    const entry = this.#entries.get(sessionId);
    if (entry === undefined) return false;
    this.#wheel.cancel(entry.timer);
    this.#entries.delete(sessionId);
    return true;
  }

  #expire(session: GatewaySession): void {
    if (this.#entries.get(session.id)?.session !== session) return;
    this.remove(session.id);
    session.end();
  }
}
