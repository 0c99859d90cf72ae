import {
  type Clock,
  deconstruct,
  type LeaseGuard,
  SnowflakeError,
  SnowflakeErrorCode,
  SnowflakeGenerator,
} from '@guildkit/snowflake';
import { ManualClock } from '@guildkit/testkit';
import { describe, expect, it } from 'vitest';

const EPOCH = 1420070400000;
const START = 1700000000000;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

/** The oracle for an id's value: BigInt arithmetic on the documented layout. */
function expectedId(ms: number, workerId: number, processId: number, increment: number): string {
  return (
    ((BigInt(ms) - BigInt(EPOCH)) << 22n) |
    (BigInt(workerId) << 17n) |
    (BigInt(processId) << 12n) |
    BigInt(increment)
  ).toString();
}

/** A clock that moves forward one millisecond every `readsPerMs` reads. */
class SteppingClock implements Clock {
  reads = 0;
  constructor(
    private readonly start: number,
    private readonly readsPerMs: number,
  ) {}
  now(): number {
    const reading = this.start + Math.floor(this.reads / this.readsPerMs);
    this.reads += 1;
    return reading;
  }
}

describe('SnowflakeGenerator', () => {
  it('lays out timestamp, worker, process and increment as Discord documents', () => {
    const clock = new ManualClock(START);
    const generator = new SnowflakeGenerator({ workerId: 3, processId: 17, clock });
    expect(generator.next()).toBe(expectedId(START, 3, 17, 0));
    expect(generator.next()).toBe(expectedId(START, 3, 17, 1));
    clock.advance(1);
    expect(generator.next()).toBe(expectedId(START + 1, 3, 17, 0));
  });

  it('shares one sequence between next() and nextBigInt()', () => {
    const clock = new ManualClock(START);
    const generator = new SnowflakeGenerator({ workerId: 31, processId: 31, clock });
    expect(generator.next()).toBe(expectedId(START, 31, 31, 0));
    expect(generator.nextBigInt()).toBe(BigInt(expectedId(START, 31, 31, 1)));
    expect(generator.next()).toBe(expectedId(START, 31, 31, 2));
  });

  it('issues strictly increasing ids as the clock moves forward', () => {
    const clock = new ManualClock(START);
    const generator = new SnowflakeGenerator({ workerId: 0, processId: 1, clock });
    let previous = -1n;
    for (let i = 0; i < 10000; i++) {
      if (i % 7 === 0) clock.advance(i % 3);
      const id = BigInt(generator.next());
      expect(id > previous).toBe(true);
      previous = id;
    }
  });

  it('issues 4096 ids per millisecond, then waits on its clock for the next millisecond', () => {
    const clock = new SteppingClock(START, 10000);
    const generator = new SnowflakeGenerator({ workerId: 2, processId: 5, clock });
    for (let increment = 0; increment < 4096; increment++) {
      expect(generator.next()).toBe(expectedId(START, 2, 5, increment));
    }
    const readsBefore = clock.reads;
    expect(generator.next()).toBe(expectedId(START + 1, 2, 5, 0));
    // The clock only reached the next millisecond by being read again and again.
    expect(clock.reads).toBeGreaterThan(readsBefore + 1);
    expect(clock.reads).toBe(10001);
  });

  it('keeps issuing from the last millisecond when the clock steps back, without duplicates', () => {
    const clock = new ManualClock(START);
    const generator = new SnowflakeGenerator({ workerId: 4, processId: 4, clock });
    expect(generator.next()).toBe(expectedId(START, 4, 4, 0));
    clock.set(START - 5000);
    expect(generator.next()).toBe(expectedId(START, 4, 4, 1));
    for (let increment = 2; increment < 4096; increment++) generator.next();
    // Millisecond START is full: move on to START + 1 at once, although the clock is behind.
    expect(generator.next()).toBe(expectedId(START + 1, 4, 4, 0));
    clock.set(START + 1);
    expect(generator.next()).toBe(expectedId(START + 1, 4, 4, 1));
    clock.set(START + 2);
    expect(generator.next()).toBe(expectedId(START + 2, 4, 4, 0));
  });

  it('stamps fractional clock readings with their whole millisecond without repeating', () => {
    const clock = new ManualClock(START);
    const generator = new SnowflakeGenerator({ workerId: 0, processId: 0, clock });
    expect(generator.next()).toBe(expectedId(START, 0, 0, 0));
    clock.advance(0.5);
    expect(generator.next()).toBe(expectedId(START, 0, 0, 1));
    clock.advance(0.5);
    expect(generator.next()).toBe(expectedId(START + 1, 0, 0, 0));
  });

  it('formats the edge ids 0 and 2^64 - 1 exactly', () => {
    const zero = new SnowflakeGenerator({
      workerId: 0,
      processId: 0,
      clock: new ManualClock(EPOCH),
    });
    expect(zero.next()).toBe('0');
    expect(zero.next()).toBe('1');
    const last = EPOCH + 2 ** 42 - 1;
    const max = new SnowflakeGenerator({
      workerId: 31,
      processId: 31,
      clock: new ManualClock(last),
    });
    let id = '';
    for (let i = 0; i < 4096; i++) id = max.next();
    expect(id).toBe('18446744073709551615');
    expect(codeOf(() => max.next())).toBe(SnowflakeErrorCode.TimestampOverflow);
  });

  it('formats ids across a carry of the low six decimal digits', () => {
    // (1 << 22) = 4194304, so the ids of ms 1 run from 4194304 to 4198399, across 4199999?
    // Pick a millisecond whose ids cross a multiple of 10^6: ms 238 starts at 998244352.
    const clock = new ManualClock(EPOCH + 238);
    const generator = new SnowflakeGenerator({ workerId: 13, processId: 29, clock });
    const ids: string[] = [];
    for (let i = 0; i < 4096; i++) ids.push(generator.next());
    ids.forEach((id, increment) => {
      expect(id).toBe(expectedId(EPOCH + 238, 13, 29, increment));
    });
  });

  it('counts from a custom epoch', () => {
    const epoch = 1288834974657;
    const clock = new ManualClock(START);
    const generator = new SnowflakeGenerator({ workerId: 1, processId: 1, epoch, clock });
    expect(deconstruct(generator.next(), epoch).timestamp).toBe(START);
    expect(generator.epoch).toBe(epoch);
  });

  it.each([-1, 32, 1.5, Number.NaN])('rejects the worker id %s', (workerId) => {
    expect(codeOf(() => new SnowflakeGenerator({ workerId, processId: 0 }))).toBe(
      SnowflakeErrorCode.InvalidWorkerId,
    );
  });

  it.each([-1, 32, 0.5, Number.POSITIVE_INFINITY])('rejects the process id %s', (processId) => {
    expect(codeOf(() => new SnowflakeGenerator({ workerId: 0, processId }))).toBe(
      SnowflakeErrorCode.InvalidProcessId,
    );
  });

  it.each([-1, 0.5, Number.NaN, 2 ** 53])('rejects the epoch %s', (epoch) => {
    expect(codeOf(() => new SnowflakeGenerator({ workerId: 0, processId: 0, epoch }))).toBe(
      SnowflakeErrorCode.InvalidEpoch,
    );
  });

  it('refuses to stamp a first id before the epoch', () => {
    const generator = new SnowflakeGenerator({
      workerId: 0,
      processId: 0,
      clock: new ManualClock(EPOCH - 1),
    });
    expect(codeOf(() => generator.next())).toBe(SnowflakeErrorCode.TimestampBeforeEpoch);
    expect(codeOf(() => generator.nextBigInt())).toBe(SnowflakeErrorCode.TimestampBeforeEpoch);
  });

  it('refuses to stamp an id past 42 bits of milliseconds', () => {
    const generator = new SnowflakeGenerator({
      workerId: 0,
      processId: 0,
      clock: new ManualClock(EPOCH + 2 ** 42),
    });
    expect(codeOf(() => generator.next())).toBe(SnowflakeErrorCode.TimestampOverflow);
  });

  it('refuses a clock that reads NaN', () => {
    const generator = new SnowflakeGenerator({
      workerId: 0,
      processId: 0,
      clock: { now: () => Number.NaN },
    });
    expect(codeOf(() => generator.next())).toBe(SnowflakeErrorCode.InvalidTimestamp);
  });

  it('uses the system clock by default', () => {
    const generator = new SnowflakeGenerator({ workerId: 0, processId: 0 });
    const { timestamp } = deconstruct(generator.next());
    // A sanity bound, not a timing assertion: after 2023-11-14 and within 42 bits of the epoch.
    expect(timestamp).toBeGreaterThan(START);
  });
});

describe('SnowflakeGenerator with a lease guard', () => {
  const slot = { workerId: 7, processId: 9 };

  it('issues ids while the clock reads before validUntil, and stops from then on', () => {
    const clock = new ManualClock(START);
    const guard = { slot, validUntil: START + 10 };
    const generator = new SnowflakeGenerator({ ...slot, clock, lease: guard });
    expect(generator.next()).toBe(expectedId(START, 7, 9, 0));
    clock.advance(9);
    expect(generator.next()).toBe(expectedId(START + 9, 7, 9, 0));
    clock.advance(1);
    const error = (() => {
      try {
        generator.next();
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(SnowflakeError);
    expect((error as SnowflakeError).code).toBe(SnowflakeErrorCode.LeaseLost);
    expect(codeOf(() => generator.nextBigInt())).toBe(SnowflakeErrorCode.LeaseLost);
  });

  it('follows a guard whose validUntil moves (renewed, then lost)', () => {
    const clock = new ManualClock(START);
    let validUntil = START + 10;
    const guard: LeaseGuard = {
      slot,
      get validUntil() {
        return validUntil;
      },
    };
    const generator = new SnowflakeGenerator({ ...slot, clock, lease: guard });
    clock.advance(20);
    expect(codeOf(() => generator.next())).toBe(SnowflakeErrorCode.LeaseLost);
    validUntil = START + 100;
    expect(generator.next()).toBe(expectedId(START + 20, 7, 9, 0));
    validUntil = Number.NEGATIVE_INFINITY;
    expect(codeOf(() => generator.next())).toBe(SnowflakeErrorCode.LeaseLost);
  });

  it('refuses a lease that holds no slot or another slot', () => {
    expect(
      codeOf(() => new SnowflakeGenerator({ ...slot, lease: { slot: undefined, validUntil: 0 } })),
    ).toBe(SnowflakeErrorCode.LeaseMismatch);
    expect(
      codeOf(
        () =>
          new SnowflakeGenerator({
            ...slot,
            lease: { slot: { workerId: 7, processId: 8 }, validUntil: 0 },
          }),
      ),
    ).toBe(SnowflakeErrorCode.LeaseMismatch);
  });
});
