import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

/** Uncorks of the sockets corked during the current tick; run together on the next tick. */
const pendingUncorks: (() => void)[] = [];
let flushScheduled = false;

function flushUncorks(): void {
  flushScheduled = false;
  const uncorks = pendingUncorks.splice(0);
  for (const uncork of uncorks) uncork();
}

/**
 * The TCP socket under a `ws` WebSocket. `ws` keeps it in `_socket` and has no public way to
 * batch writes; when the field is missing or unusable (another transport), writes go out
 * unbatched.
 */
function rawSocketOf(socket: WebSocket): Duplex | undefined {
  const raw = (socket as unknown as { _socket?: unknown })._socket;
  if (typeof raw !== 'object' || raw === null) return undefined;
  const duplex = raw as Partial<Duplex>;
  return typeof duplex.cork === 'function' && typeof duplex.uncork === 'function'
    ? (raw as Duplex)
    : undefined;
}

/**
 * Makes every frame sent to `socket` within one tick leave in one write: the first send of a
 * tick corks the TCP socket, and one `process.nextTick` uncorks every socket corked in that
 * tick. A fan-out that sends a socket several frames in a burst then costs one system call per
 * socket instead of one per frame — the cost the load benchmark measured (one write per frame
 * puts most of the CPU in the kernel). Frames stay separate WebSocket messages.
 *
 * @param socket - a `ws` WebSocket.
 * @returns a function to call before each `socket.send`.
 */
export function tickCorker(socket: WebSocket): () => void {
  const raw = rawSocketOf(socket);
  if (raw === undefined) return () => {};
  let corked = false;
  const uncork = (): void => {
    corked = false;
    raw.uncork();
  };
  return () => {
    if (corked) return;
    corked = true;
    raw.cork();
    pendingUncorks.push(uncork);
    if (!flushScheduled) {
      flushScheduled = true;
      process.nextTick(flushUncorks);
    }
  };
}
