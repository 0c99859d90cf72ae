import { describe, expect, it } from 'vitest';
import {
  DEFAULT_REORDER_BUFFER_OPTIONS,
  ReorderBuffer,
  type ReorderBufferOptions,
  type SequenceGap,
} from '../../src/bus/index.js';
import { GatewayErrorCode } from '../../src/errors.js';

function make(options: ReorderBufferOptions = {}) {
  const out: (string | SequenceGap)[] = [];
  const buffer = new ReorderBuffer<string>(
    { deliver: (_seq, item) => out.push(item), skip: (gap) => out.push(gap) },
    options,
  );
  return { buffer, out };
}

describe('ReorderBuffer', () => {
  it('defaults to a one-second window and 1024 held events', () => {
    expect(DEFAULT_REORDER_BUFFER_OPTIONS).toEqual({ windowMs: 1000, maxBuffered: 1024 });
  });

  it('delivers in order, holds early events and drops duplicates', () => {
    const { buffer, out } = make({ firstSeq: 1 });
    expect(buffer.push(2, 'b', 0)).toBe('buffered');
    expect(buffer.push(2, 'b', 0)).toBe('duplicate');
    expect(buffer.deadline).toBe(1000);
    expect(buffer.push(1, 'a', 5)).toBe('delivered');
    expect(buffer.push(1, 'a', 6)).toBe('duplicate');
    expect(out).toEqual(['a', 'b']);
    expect(buffer.nextSeq).toBe(3);
    expect(buffer.deadline).toBeUndefined();
  });

  it('starts at the first pushed sequence without firstSeq', () => {
    const { buffer, out } = make();
    expect(buffer.nextSeq).toBeUndefined();
    buffer.push(41, 'x', 0);
    expect(out).toEqual(['x']);
    expect(buffer.nextSeq).toBe(42);
  });

  it('times a gap from the earliest held arrival and skips one run per expiry step', () => {
    const { buffer, out } = make({ firstSeq: 1, windowMs: 100 });
    buffer.push(3, 'c', 0);
    buffer.push(5, 'e', 50);
    buffer.expire(99);
    expect(out).toEqual([]);
    buffer.expire(100);
    expect(out).toEqual([{ fromSeq: 1, toSeq: 2, reason: 'timeout' }, 'c']);
    expect(buffer.deadline).toBe(150);
    buffer.expire(150);
    expect(out.slice(2)).toEqual([{ fromSeq: 4, toSeq: 4, reason: 'timeout' }, 'e']);
  });

  it('flushes everything held with the given reason', () => {
    const { buffer, out } = make({ firstSeq: 1 });
    buffer.push(2, 'b', 0);
    buffer.push(4, 'd', 0);
    buffer.flush('superseded');
    expect(out).toEqual([
      { fromSeq: 1, toSeq: 1, reason: 'superseded' },
      'b',
      { fromSeq: 3, toSeq: 3, reason: 'superseded' },
      'd',
    ]);
    expect(buffer.buffered).toBe(0);
  });

  it.each([0, -1, 1.5, Number.NaN])(
    'rejects sequence %s with GK_GATEWAY_INVALID_SEQUENCE',
    (seq) => {
      const { buffer } = make();
      expect(() => buffer.push(seq, 'x', 0)).toThrow(
        expect.objectContaining({ code: GatewayErrorCode.InvalidSequence }),
      );
    },
  );

  it.each<[string, ReorderBufferOptions]>([
    ['windowMs -1', { windowMs: -1 }],
    ['windowMs Infinity', { windowMs: Number.POSITIVE_INFINITY }],
    ['maxBuffered 0', { maxBuffered: 0 }],
    ['firstSeq 0', { firstSeq: 0 }],
  ])('rejects %s with GK_GATEWAY_INVALID_OPTION', (_, options) => {
    expect(() => make(options)).toThrow(
      expect.objectContaining({ code: GatewayErrorCode.InvalidOption }),
    );
  });
});
