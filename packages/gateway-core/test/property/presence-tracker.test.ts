import { isDeepStrictEqual } from 'node:util';
import { fc, test } from '@fast-check/vitest';
import { ManualScheduler } from '@guildkit/testkit';
import type { GatewayPresenceUpdateDispatchData } from 'discord-api-types/v10';
import { expect } from 'vitest';
import { MemoryPresenceStore } from '../../src/presence/presence-store.js';
import { PresenceTracker } from '../../src/presence/presence-tracker.js';
import type { PresenceDevice } from '../../src/presence/presence-types.js';

const STATUSES = ['online', 'idle', 'dnd', 'invisible'] as const;
const DEVICES: readonly PresenceDevice[] = ['desktop', 'mobile', 'web'];
type Status = (typeof STATUSES)[number];

type Op =
  | { readonly kind: 'connect'; readonly session: number; readonly device: PresenceDevice }
  | { readonly kind: 'update'; readonly session: number; readonly status: Status }
  | { readonly kind: 'disconnect'; readonly session: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('connect' as const),
    session: fc.nat(3),
    device: fc.constantFrom(...DEVICES),
  }),
  fc.record({
    kind: fc.constant('update' as const),
    session: fc.nat(3),
    status: fc.constantFrom(...STATUSES),
  }),
  fc.record({ kind: fc.constant('disconnect' as const), session: fc.nat(3) }),
);

interface ModelSession {
  readonly device: PresenceDevice;
  status: Status;
}

/** An independent statement of the documented fold: what others should see. */
function expected(sessions: ReadonlyMap<number, ModelSession>): {
  status: string;
  client_status: Record<string, string>;
} {
  const live = [...sessions.values()];
  if (live.length === 0 || live.some((s) => s.status === 'invisible')) {
    return { status: 'offline', client_status: {} };
  }
  const order = ['idle', 'online', 'dnd'];
  const best = (a: string | undefined, b: string) =>
    a === undefined || order.indexOf(b) > order.indexOf(a) ? b : a;
  let status: string | undefined;
  const clientStatus: Record<string, string> = {};
  for (const session of live) {
    status = best(status, session.status);
    clientStatus[session.device] = best(clientStatus[session.device], session.status);
  }
  return { status: status!, client_status: clientStatus };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function apply(
  tracker: PresenceTracker,
  model: Map<number, ModelSession>,
  step: Op,
): Promise<void> {
  const sessionId = `s${step.session}`;
  if (step.kind === 'connect') {
    if (model.has(step.session)) return;
    model.set(step.session, { device: step.device, status: 'online' });
    await tracker.connect({ sessionId, userId: 'u', device: step.device });
  } else if (step.kind === 'update') {
    const session = model.get(step.session);
    const result = await tracker.updateFromClient(sessionId, {
      since: null,
      activities: [],
      status: step.status,
      afk: false,
    });
    expect(result.ok).toBe(session !== undefined);
    if (session !== undefined) session.status = step.status;
  } else {
    model.delete(step.session);
    await tracker.disconnect(sessionId);
  }
}

test.prop([fc.array(op, { maxLength: 30 }), fc.array(op, { maxLength: 30 })], { numRuns: 200 })(
  'a batch carries the aggregate of the final per-device states, and nothing when it equals the last flushed',
  async (before, within) => {
    const scheduler = new ManualScheduler();
    const tracker = new PresenceTracker({
      guildIdsOf: () => ['g'],
      store: new MemoryPresenceStore({ clock: scheduler.clock }),
      clock: scheduler.clock,
      scheduler,
      presenceLimit: 1_000,
    });
    const batches: GatewayPresenceUpdateDispatchData[][] = [];
    tracker.on('presenceUpdate', (_, updates) => batches.push(updates));
    const model = new Map<number, ModelSession>();

    for (const step of before) await apply(tracker, model, step);
    await settle();
    scheduler.advance(5_000);
    const flushed = expected(model);
    const last = batches.at(-1)?.[0];
    expect(
      last === undefined
        ? { status: 'offline', client_status: {} }
        : {
            status: last.status,
            client_status: last.client_status,
          },
    ).toEqual(flushed);

    const count = batches.length;
    for (const step of within) await apply(tracker, model, step);
    await settle();
    scheduler.advance(5_000);
    const final = expected(model);
    if (isDeepStrictEqual(final, flushed)) {
      expect(batches).toHaveLength(count);
    } else {
      expect(batches).toHaveLength(count + 1);
      expect(batches.at(-1)).toEqual([
        { user: { id: 'u' }, guild_id: 'g', activities: [], ...final },
      ]);
    }
    tracker.close();
  },
);
