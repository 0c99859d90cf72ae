import { ManualScheduler } from '@guildkit/testkit';
import { describe, expect, it } from 'vitest';
import { SfuNodeRegistry } from '../../src/allocation/node-registry.js';
import type { SfuChannelMove, SfuChannelStranding } from '../../src/allocation/registry-events.js';
import { DEFAULT_SFU_NODE_REGISTRY_OPTIONS } from '../../src/allocation/registry-options.js';
import { SfuErrorCode } from '../../src/errors.js';
import { codeOf } from '../support/code-of.js';

function setup(options: { reportTimeoutMs?: number; checkIntervalMs?: number } = {}) {
  const scheduler = new ManualScheduler();
  const registry = new SfuNodeRegistry({ clock: scheduler.clock, scheduler, ...options });
  const moved: SfuChannelMove[] = [];
  const stranded: SfuChannelStranding[] = [];
  const down: string[] = [];
  registry.on('channelMoved', (move) => moved.push(move));
  registry.on('channelStranded', (stranding) => stranded.push(stranding));
  registry.on('nodeDown', (nodeId) => down.push(nodeId));
  const add = (id: string, region: string, capacity = 10): void =>
    registry.register({ id, region, capacity, endpoint: `wss://${id}` });
  return { scheduler, registry, moved, stranded, down, add };
}

describe('SfuNodeRegistry placement', () => {
  it('prefers a node of the requested region over a less loaded one elsewhere', () => {
    const { registry, add } = setup();
    add('eu-1', 'eu');
    add('us-1', 'us');
    registry.report('eu-1', { participants: 8 });
    expect(registry.allocate('c1', { region: 'eu' })).toEqual({
      nodeId: 'eu-1',
      endpoint: 'wss://eu-1',
    });
  });

  it('falls back to the least loaded node anywhere when the region has no room', () => {
    const { registry, add } = setup();
    add('eu-1', 'eu');
    add('us-1', 'us', 100);
    add('br-1', 'br', 10);
    registry.report('eu-1', { participants: 10 });
    registry.report('us-1', { participants: 50 });
    registry.report('br-1', { participants: 2 });
    expect(registry.allocate('c1', { region: 'eu' }).nodeId).toBe('br-1');
    expect(registry.allocate('c2', { region: 'mars' }).nodeId).toBe('br-1');
  });

  it('picks the least loaded by participants / capacity, ties by id', () => {
    const { registry, add } = setup();
    add('b', 'eu', 100);
    add('a', 'eu', 10);
    registry.report('b', { participants: 30 });
    registry.report('a', { participants: 2 });
    expect(registry.allocate('c1').nodeId).toBe('a');
    registry.report('a', { participants: 3 });
    registry.report('b', { participants: 30 });
    // 0.3 on both: the smaller id wins.
    expect(registry.allocate('c2').nodeId).toBe('a');
  });

  it('counts placed channels against a node until its next report', () => {
    const { registry, add } = setup();
    add('a', 'eu', 10);
    add('b', 'eu', 10);
    expect(registry.allocate('c1', { participants: 3 }).nodeId).toBe('a');
    expect(registry.allocate('c2', { participants: 1 }).nodeId).toBe('b');
    expect(registry.nodes().map((node) => node.participants)).toEqual([3, 1]);
    registry.report('a', { participants: 0, cpu: 0.25 });
    expect(registry.nodes()[0]).toMatchObject({ participants: 0, load: 0, cpu: 0.25, channels: 1 });
  });

  it('keeps an allocated channel on its node even when others are now less loaded', () => {
    const { registry, add } = setup();
    add('a', 'eu');
    const first = registry.allocate('c1', { region: 'eu' });
    add('b', 'eu');
    registry.report('a', { participants: 9 });
    expect(registry.allocate('c1', { region: 'us', participants: 5 })).toEqual(first);
    expect(registry.nodeOf('c1')).toEqual(first);
  });

  it('throws NoCapacity when no live node has room, and places again once a release frees room', () => {
    const { registry, add } = setup();
    add('a', 'eu', 2);
    registry.allocate('c1', { participants: 2 });
    expect(codeOf(() => registry.allocate('c2'))).toBe(SfuErrorCode.NoCapacity);
    expect(registry.nodeOf('c2')).toBeUndefined();
    expect(registry.release('c1')).toBe(true);
    expect(registry.release('c1')).toBe(false);
    expect(registry.allocate('c2').nodeId).toBe('a');
  });

  it('throws NoCapacity with no nodes, and never places on a draining node', () => {
    const { registry, add } = setup();
    expect(codeOf(() => registry.allocate('c1'))).toBe(SfuErrorCode.NoCapacity);
    add('a', 'eu');
    registry.drain('a');
    expect(codeOf(() => registry.allocate('c1'))).toBe(SfuErrorCode.NoCapacity);
  });
});

describe('SfuNodeRegistry drain and liveness', () => {
  it('drain moves every channel, spreading them over the remaining nodes', () => {
    const { registry, add, moved } = setup();
    add('a', 'eu', 100);
    for (let i = 0; i < 6; i++) registry.allocate(`c${String(i)}`, { region: 'eu' });
    add('b', 'eu', 100);
    add('c', 'eu', 100);
    registry.report('b', { participants: 0 });
    registry.report('c', { participants: 0 });
    registry.drain('a');
    expect(moved).toHaveLength(6);
    expect(moved.every((move) => move.from === 'a')).toBe(true);
    const targets = moved.map((move) => move.to.nodeId);
    expect(targets.filter((id) => id === 'b')).toHaveLength(3);
    expect(targets.filter((id) => id === 'c')).toHaveLength(3);
    for (const move of moved) expect(registry.nodeOf(move.channelId)).toEqual(move.to);
    expect(registry.nodes().find((node) => node.id === 'a')).toMatchObject({
      state: 'draining',
      channels: 0,
    });
    registry.drain('a');
    expect(moved).toHaveLength(6);
  });

  it('a moved channel keeps its original region preference', () => {
    const { registry, add, moved } = setup();
    add('eu-1', 'eu');
    registry.allocate('c1', { region: 'eu' });
    add('us-1', 'us');
    add('eu-2', 'eu');
    registry.report('eu-2', { participants: 9 });
    registry.drain('eu-1');
    expect(moved).toEqual([
      { channelId: 'c1', from: 'eu-1', to: { nodeId: 'eu-2', endpoint: 'wss://eu-2' } },
    ]);
  });

  it('strands the channels no node has room for and forgets them', () => {
    const { registry, add, moved, stranded } = setup();
    add('a', 'eu', 10);
    registry.allocate('big', { participants: 4 });
    registry.allocate('small', { participants: 1 });
    add('b', 'eu', 2);
    registry.drain('a');
    expect(stranded).toEqual([{ channelId: 'big', from: 'a' }]);
    expect(moved.map((move) => [move.channelId, move.to.nodeId])).toEqual([['small', 'b']]);
    expect(registry.nodeOf('big')).toBeUndefined();
  });

  it('marks a node dead after reportTimeoutMs of silence and moves its channels', () => {
    const { scheduler, registry, add, moved, down } = setup({
      reportTimeoutMs: 15_000,
      checkIntervalMs: 5_000,
    });
    add('a', 'eu');
    add('b', 'eu');
    registry.allocate('c1');
    expect(registry.nodeOf('c1')?.nodeId).toBe('a');
    for (let t = 0; t < 3; t++) {
      scheduler.advance(5_000);
      registry.report('b', { participants: 0 });
    }
    // a last reported at 0; the check at 15 000 finds it 15 s silent.
    expect(down).toEqual(['a']);
    expect(moved).toEqual([
      { channelId: 'c1', from: 'a', to: { nodeId: 'b', endpoint: 'wss://b' } },
    ]);
    expect(registry.nodes().map((node) => node.state)).toEqual(['dead', 'live']);
    registry.report('a', { participants: 0 });
    expect(registry.nodes()[0]?.state).toBe('dead');
    expect(registry.allocate('c2').nodeId).toBe('b');
  });

  it('does not move channels onto a node that dies in the same check', () => {
    const { scheduler, registry, add, moved, stranded, down } = setup();
    add('a', 'eu');
    add('b', 'eu');
    registry.allocate('c1');
    scheduler.advance(DEFAULT_SFU_NODE_REGISTRY_OPTIONS.reportTimeoutMs);
    expect(down).toEqual(['a', 'b']);
    expect(moved).toEqual([]);
    expect(stranded).toEqual([{ channelId: 'c1', from: 'a' }]);
  });

  it('a node that keeps reporting stays live', () => {
    const { scheduler, registry, add, down } = setup();
    add('a', 'eu');
    for (let t = 0; t < 20; t++) {
      scheduler.advance(4_000);
      registry.report('a', { participants: 1 });
    }
    expect(down).toEqual([]);
  });

  it('deregister moves channels off the node, then forgets it', () => {
    const { registry, add, moved } = setup();
    add('a', 'eu');
    registry.allocate('c1');
    add('b', 'eu');
    registry.deregister('a');
    expect(moved.map((move) => move.to.nodeId)).toEqual(['b']);
    expect(registry.nodes().map((node) => node.id)).toEqual(['b']);
    expect(codeOf(() => registry.report('a', { participants: 0 }))).toBe(SfuErrorCode.UnknownNode);
  });

  it('close stops the liveness check', () => {
    const { scheduler, registry, add, down } = setup();
    add('a', 'eu');
    registry.close();
    registry.close();
    expect(scheduler.pendingCount).toBe(0);
    scheduler.advance(60_000);
    expect(down).toEqual([]);
  });

  it('a throwing listener is reported as listenerError and the other moves still happen', () => {
    const { registry, add, moved } = setup();
    const errors: unknown[] = [];
    registry.on('listenerError', (error) => errors.push(error));
    registry.on('channelMoved', () => {
      throw new Error('boom');
    });
    add('a', 'eu');
    registry.allocate('c1');
    registry.allocate('c2');
    add('b', 'eu');
    registry.drain('a');
    expect(moved).toHaveLength(2);
    expect(errors).toHaveLength(2);
  });
});

describe('SfuNodeRegistry validation', () => {
  it('rejects bad options and inputs with stable codes', () => {
    const { registry, add } = setup();
    expect(codeOf(() => new SfuNodeRegistry({ reportTimeoutMs: 0 }))).toBe(
      SfuErrorCode.InvalidOption,
    );
    expect(codeOf(() => new SfuNodeRegistry({ checkIntervalMs: Number.NaN }))).toBe(
      SfuErrorCode.InvalidOption,
    );
    const node = { id: 'a', region: 'eu', capacity: 10, endpoint: 'wss://a' };
    for (const bad of [
      { ...node, id: '' },
      { ...node, region: '' },
      { ...node, endpoint: '' },
      { ...node, capacity: 0 },
      { ...node, capacity: 1.5 },
    ]) {
      expect(codeOf(() => registry.register(bad))).toBe(SfuErrorCode.InvalidOption);
    }
    add('a', 'eu');
    expect(codeOf(() => registry.register(node))).toBe(SfuErrorCode.DuplicateNode);
    expect(codeOf(() => registry.report('a', { participants: -1 }))).toBe(
      SfuErrorCode.InvalidOption,
    );
    expect(codeOf(() => registry.report('a', { participants: 1, cpu: 1.5 }))).toBe(
      SfuErrorCode.InvalidOption,
    );
    expect(codeOf(() => registry.allocate(''))).toBe(SfuErrorCode.InvalidOption);
    expect(codeOf(() => registry.allocate('c', { participants: 0 }))).toBe(
      SfuErrorCode.InvalidOption,
    );
    expect(codeOf(() => registry.allocate('c', { region: '' }))).toBe(SfuErrorCode.InvalidOption);
    for (const op of [
      () => registry.drain('zz'),
      () => registry.deregister('zz'),
      () => registry.report('zz', { participants: 0 }),
    ]) {
      expect(codeOf(op)).toBe(SfuErrorCode.UnknownNode);
    }
  });
});
