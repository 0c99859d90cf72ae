import type {
  GatewayDispatchPayload,
  GatewayReadyDispatchData,
} from 'discord-api-types/gateway/v10';
import type { GatewayClientError } from './errors.js';

/** What `reconnecting` reports about the reconnect the client has just scheduled. */
export interface ReconnectingEvent {
  /** 1 for the first reconnect since the last READY/RESUMED, then 2, 3, … */
  readonly attempt: number;
  /** How long the client waits before opening the next socket. */
  readonly delayMs: number;
  /** Whether it will RESUME (`true`) or IDENTIFY (`false`). */
  readonly resume: boolean;
}

/** What `close` reports about a socket that closed. */
export interface CloseEvent {
  /** The close code: the server's, or the one the client closed with. */
  readonly code: number;
  /** The close reason. */
  readonly reason: string;
}

/**
 * Events of a `GatewayClient`. State is updated before each is emitted; a listener that
 * throws is reported on `debug` and does not disturb the client.
 */
export interface GatewayClientEvents {
  /** IDENTIFY was answered with READY; the session id and resume URL are stored. */
  ready: [data: GatewayReadyDispatchData];
  /** RESUME was answered (after the missed dispatches) with RESUMED. */
  resumed: [];
  /** Every DISPATCH (op 0), READY and RESUMED included, in arrival order. */
  dispatch: [payload: GatewayDispatchPayload];
  /** HELLO arrived; the heartbeat loop starts. */
  hello: [heartbeatIntervalMs: number];
  /** A HEARTBEAT_ACK arrived for the last heartbeat, `pingMs` after it was sent. */
  heartbeatAck: [pingMs: number];
  /** A reconnect is scheduled. */
  reconnecting: [event: ReconnectingEvent];
  /** INVALID_SESSION (op 9) arrived; `resumable` is its `d`. */
  invalidSession: [resumable: boolean];
  /** A socket closed (by the server, the network or the client). */
  close: [event: CloseEvent];
  /** The client stopped for good: a fatal close code (`GK_GATEWAY_CLIENT_FATAL_CLOSE`). */
  error: [error: GatewayClientError];
  /** A background fact worth logging. */
  debug: [message: string];
}
