import { fc, test } from '@fast-check/vitest';
import { ManualScheduler } from '@guildkit/testkit';
import { describe, expect } from 'vitest';
import { SfuNodeRegistry } from '../../src/allocation/node-registry.js';
import type { SfuChannelMove, SfuChannelStranding } from '../../src/allocation/registry-events.js';
import type { SfuNodeSnapshot } from '../../src/allocation/registry-options.js';
import { type PlacementCandidate, selectNode } from '../../src/allocation/select-node.js';
import { SfuErrorCode } from '../../src/errors.js';
import { codeOf } from '../support/code-of.js';

const REPORT_TIMEOUT_MS = 15_000;
const CHECK_INTERVAL_MS = 5_000;
const nodeId = fc.constantFrom('n1', 'n2', 'n3', 'n4');
const channelId = fc.constantFrom('c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8');
const region = fc.constantFrom('eu', 'us');

const op = fc.oneof(
  fc.record({
    kind: fc.constant('register'),
    id: nodeId,
    region,
    capacity: fc.integer({ min: 1, max: 10 }),
  }),
  fc.record({ kind: fc.constant('deregister'), id: nodeId }),
  fc.record({
    kind: fc.constant('report'),
    id: nodeId,
    participants: fc.integer({ min: 0, max: 12 }),
  }),
  fc.record({
    kind: fc.constant('allocate'),
    channel: channelId,
    region: fc.option(region, { nil: undefined }),
    participants: fc.integer({ min: 1, max: 4 }),
  }),
  fc.record({ kind: fc.constant('release'), channel: channelId }),
  fc.record({ kind: fc.constant('drain'), id: nodeId }),
  fc.record({ kind: fc.constant('advance'), ms: fc.integer({ min: 0, max: 20_000 }) }),
);

const hasRoom = (node: SfuNodeSnapshot | undefined, need: number): boolean =>
  node !== undefined && node.state === 'live' && node.participants + need <= node.capacity;

describe('SfuNodeRegistry invariants', () => {
  test.prop([fc.array(op, { maxLength: 80 })], { numRuns: 300 })(
    'channels sit on live nodes with room, moves respect capacity, allocate is sticky',
    (ops) => {
      const scheduler = new ManualScheduler();
      const registry = new SfuNodeRegistry({
        clock: scheduler.clock,
        scheduler,
        reportTimeoutMs: REPORT_TIMEOUT_MS,
        checkIntervalMs: CHECK_INTERVAL_MS,
      });
      const placed = new Map<string, { nodeId: string; need: number; unreported: boolean }>();
      const reported = new Map<string, number>();
      const registered = new Set<string>();
      let moved: SfuChannelMove[] = [];
      let stranded: SfuChannelStranding[] = [];
      registry.on('channelMoved', (move) => moved.push(move));
      registry.on('channelStranded', (stranding) => stranded.push(stranding));

      for (const step of ops) {
        const before = new Map(registry.nodes().map((node) => [node.id, node]));
        moved = [];
        stranded = [];
        switch (step.kind) {
          case 'register': {
            const code = codeOf(() => registry.register({ ...step, endpoint: `wss://${step.id}` }));
            expect(code).toBe(registered.has(step.id) ? SfuErrorCode.DuplicateNode : undefined);
            if (code === undefined) reported.set(step.id, 0);
            registered.add(step.id);
            break;
          }
          case 'deregister':
          case 'drain':
          case 'report': {
            const code = codeOf(() => {
              if (step.kind === 'report') registry.report(step.id, step);
              else if (step.kind === 'drain') registry.drain(step.id);
              else registry.deregister(step.id);
            });
            expect(code).toBe(registered.has(step.id) ? undefined : SfuErrorCode.UnknownNode);
            if (step.kind === 'deregister') registered.delete(step.id);
            if (step.kind === 'report' && code === undefined) {
              reported.set(step.id, step.participants);
              for (const channel of placed.values()) {
                if (channel.nodeId === step.id) channel.unreported = false;
              }
            }
            break;
          }
          case 'allocate': {
            const sticky = placed.get(step.channel);
            const options = {
              participants: step.participants,
              ...(step.region ? { region: step.region } : {}),
            };
            let result: { nodeId: string } | undefined;
            const code = codeOf(() => {
              result = registry.allocate(step.channel, options);
            });
            if (sticky !== undefined) {
              expect(result?.nodeId).toBe(sticky.nodeId);
            } else if (code === SfuErrorCode.NoCapacity) {
              for (const node of before.values())
                expect(hasRoom(node, step.participants)).toBe(false);
            } else {
              expect(code).toBeUndefined();
              const target = result?.nodeId ?? '';
              expect(hasRoom(before.get(target), step.participants)).toBe(true);
              const chosen = before.get(target);
              const inRegion = [...before.values()].some(
                (node) => node.region === step.region && hasRoom(node, step.participants),
              );
              if (inRegion) expect(chosen?.region).toBe(step.region);
              placed.set(step.channel, {
                nodeId: target,
                need: step.participants,
                unreported: true,
              });
            }
            break;
          }
          case 'release':
            expect(registry.release(step.channel)).toBe(placed.delete(step.channel));
            break;
          case 'advance':
            scheduler.advance(step.ms);
            break;
        }

        const after = new Map(registry.nodes().map((node) => [node.id, node]));
        const incoming = new Map<string, number>();
        for (const move of moved) {
          const channel = placed.get(move.channelId);
          expect(channel?.nodeId).toBe(move.from);
          if (channel === undefined) continue;
          channel.nodeId = move.to.nodeId;
          channel.unreported = true;
          incoming.set(move.to.nodeId, (incoming.get(move.to.nodeId) ?? 0) + channel.need);
        }
        // Every target had room for everything it received in this step.
        for (const [target, need] of incoming) {
          const node = before.get(target);
          expect(node).toBeDefined();
          if (node !== undefined)
            expect(node.participants + need).toBeLessThanOrEqual(node.capacity);
        }
        for (const { channelId: channel, from } of stranded) {
          expect(placed.get(channel)?.nodeId).toBe(from);
          const need = placed.get(channel)?.need ?? 0;
          for (const node of after.values()) expect(hasRoom(node, need)).toBe(false);
          placed.delete(channel);
        }
        // Every allocated channel is where the model says, on a live registered node.
        for (const [channel, { nodeId: id }] of placed) {
          expect(registry.nodeOf(channel)?.nodeId).toBe(id);
          expect(after.get(id)?.state).toBe('live');
        }
        // Load is the last report plus the channels placed since, as documented.
        for (const node of after.values()) {
          let expected = reported.get(node.id) ?? 0;
          for (const channel of placed.values()) {
            if (channel.nodeId === node.id && channel.unreported) expected += channel.need;
          }
          expect(node.participants).toBe(expected);
        }
        const now = scheduler.clock.now();
        for (const node of after.values()) {
          if (node.state !== 'dead') {
            expect(now - node.lastReportAt).toBeLessThan(REPORT_TIMEOUT_MS + CHECK_INTERVAL_MS);
          }
        }
      }
      registry.close();
    },
  );
});

const candidate = fc.record({
  id: fc.string({ minLength: 1, maxLength: 3 }),
  region,
  capacity: fc.integer({ min: 1, max: 20 }),
  participants: fc.integer({ min: 0, max: 25 }),
  accepting: fc.boolean(),
});

describe('selectNode', () => {
  test.prop([
    fc.uniqueArray(candidate, { selector: (node) => node.id, maxLength: 12 }),
    fc.integer({ min: 1, max: 5 }),
    fc.option(region, { nil: undefined }),
  ])(
    'matches a sort of the nodes with room (region first, then load, then id)',
    (nodes, need, wanted) => {
      const fits = (node: PlacementCandidate): boolean =>
        node.accepting && node.participants + need <= node.capacity;
      const byLoad = (a: PlacementCandidate, b: PlacementCandidate): number =>
        a.participants / a.capacity - b.participants / b.capacity || (a.id < b.id ? -1 : 1);
      const roomy = nodes.filter(fits);
      const local = roomy.filter((node) => node.region === wanted);
      const expected = (local.length > 0 ? local : roomy).sort(byLoad)[0];
      expect(selectNode(nodes, need, wanted)).toBe(expected);
    },
  );
});
