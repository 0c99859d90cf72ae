import { GatewayCloseCodes } from 'discord-api-types/gateway/v10';

/**
 * What the client does after a socket closes:
 * - `stop`: emit `error` (`GK_GATEWAY_CLIENT_FATAL_CLOSE`) and never reconnect;
 * - `reidentify`: forget the session, reconnect and IDENTIFY;
 * - `resume`: reconnect and RESUME when a session exists (else IDENTIFY).
 */
export type CloseAction = 'stop' | 'reidentify' | 'resume';

/** One row of {@link GATEWAY_CLOSE_CODE_ACTIONS}. */
export interface CloseCodeAction {
  /** The close code. */
  readonly code: number;
  /** Its name in `GatewayCloseCodes`, or the WebSocket name for 1000-range codes. */
  readonly name: string;
  /** What the client does. */
  readonly action: CloseAction;
}

/** Codes Discord documents as "do not reconnect". */
const STOP: ReadonlySet<number> = new Set([
  GatewayCloseCodes.AuthenticationFailed,
  GatewayCloseCodes.InvalidShard,
  GatewayCloseCodes.ShardingRequired,
  GatewayCloseCodes.InvalidAPIVersion,
  GatewayCloseCodes.InvalidIntents,
  GatewayCloseCodes.DisallowedIntents,
]);

/** Codes after which the session is gone but a new one may be started. */
const REIDENTIFY: ReadonlySet<number> = new Set([
  GatewayCloseCodes.InvalidSeq,
  GatewayCloseCodes.SessionTimedOut,
]);

/**
 * Decides what the client does after a close with `code`. Codes it does not know (1000,
 * 1001, 1006, 4000-4003, 4005, 4008, …) are treated as transient: reconnect and resume.
 *
 * @param code - the close code the socket reported.
 * @returns the action.
 * @example
 * ```ts
 * closeCodeAction(4004); // 'stop'
 * closeCodeAction(4009); // 'reidentify'
 * closeCodeAction(1006); // 'resume'
 * ```
 */
export function closeCodeAction(code: number): CloseAction {
  if (STOP.has(code)) return 'stop';
  if (REIDENTIFY.has(code)) return 'reidentify';
  return 'resume';
}

const WEB_SOCKET_CODES: readonly (readonly [number, string])[] = [
  [1000, 'NormalClosure'],
  [1001, 'GoingAway'],
  [1006, 'AbnormalClosure'],
];

/**
 * The client's decision for every Discord gateway close code (from `GatewayCloseCodes`) and
 * the WebSocket codes it commonly sees, in code order; the docs render it as a table.
 *
 * @example
 * ```ts
 * for (const { code, name, action } of GATEWAY_CLOSE_CODE_ACTIONS) console.log(code, name, action);
 * ```
 */
export const GATEWAY_CLOSE_CODE_ACTIONS: readonly CloseCodeAction[] = [
  ...WEB_SOCKET_CODES,
  ...Object.entries(GatewayCloseCodes)
    .filter((entry): entry is [string, GatewayCloseCodes] => typeof entry[1] === 'number')
    .map(([name, code]): readonly [number, string] => [code, name]),
]
  .sort((a, b) => a[0] - b[0])
  .map(([code, name]) => ({ code, name, action: closeCodeAction(code) }));
