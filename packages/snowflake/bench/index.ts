import { performance } from 'node:perf_hooks';
import {
  compareSnowflakes,
  deconstruct,
  relativeTimestampOf,
  SnowflakeGenerator,
  timestampOf,
} from '@guildkit/snowflake';
import { compareSideBySide, formatComparisonTable, type MeasuredCase } from '@guildkit/testkit';
import { DiscordSnowflake, Snowflake } from '@sapphire/snowflake';

const FORMAT_CAP = 4096 * 1000;
const GENERATION_MS = 1000;

let sink = 0;

/** Ours: `next()` in a tight loop on the real clock, checking every id is above the last. */
function measureOurGeneration(): MeasuredCase {
  const generator = new SnowflakeGenerator({ workerId: 1, processId: 1 });
  let previous = generator.next();
  let count = 0;
  let notIncreasing = 0;
  const start = performance.now();
  const end = start + GENERATION_MS;
  let now = start;
  while (now < end) {
    for (let i = 0; i < 1024; i++) {
      const id = generator.next();
      if (id.length < previous.length || (id.length === previous.length && id <= previous)) {
        notIncreasing++;
      }
      previous = id;
    }
    count += 1024;
    now = performance.now();
  }
  const rate = count / ((now - start) / 1000);
  return {
    name: '@guildkit/snowflake next()',
    opsPerSecond: rate,
    note: `${count} ids, ${notIncreasing} duplicates or out-of-order (strictly increasing check), ${((100 * rate) / FORMAT_CAP).toFixed(1)}% of the 4.096M/s cap`,
  };
}

/** Sapphire: `generate()` in the same loop; duplicates counted exactly afterwards. */
function measureSapphireGeneration(): MeasuredCase {
  const ids = new BigUint64Array(64 * 1024 * 1024);
  let previous = DiscordSnowflake.generate();
  let count = 0;
  let notIncreasing = 0;
  const start = performance.now();
  const end = start + GENERATION_MS;
  let now = start;
  while (now < end && count + 1024 <= ids.length) {
    for (let i = 0; i < 1024; i++) {
      const id = DiscordSnowflake.generate();
      if (id <= previous) notIncreasing++;
      ids[count + i] = id;
      previous = id;
    }
    count += 1024;
    now = performance.now();
  }
  const rate = count / ((now - start) / 1000);
  // Exact duplicates: ids are grouped by millisecond; count repeats inside each group.
  let duplicates = 0;
  let seen = new Set<bigint>();
  let currentMs = -1n;
  for (let i = 0; i < count; i++) {
    const id = ids[i] ?? 0n;
    const ms = id >> 22n;
    if (ms !== currentMs) {
      currentMs = ms;
      seen = new Set();
    }
    if (seen.has(id)) duplicates++;
    else seen.add(id);
  }
  return {
    name: '@sapphire/snowflake generate()',
    opsPerSecond: rate,
    note: `${count} ids, ${duplicates} duplicates (${notIncreasing} not increasing), ${((100 * rate) / FORMAT_CAP).toFixed(1)}% of the 4.096M/s cap`,
  };
}

/** A deterministic fixture of realistic ids: 2015..2025 timestamps, any worker/process/increment. */
function realisticIds(count: number): string[] {
  let state = 0x2545f491;
  const random = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  const tenYearsMs = 10 * 365 * 24 * 3600 * 1000;
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const ms = BigInt(Math.floor(random() * tenYearsMs));
    const low = BigInt(Math.floor(random() * 4194304));
    ids.push(((ms << 22n) | low).toString());
  }
  return ids;
}

async function main(): Promise<void> {
  // Warm both generators up before the measured second.
  for (let i = 0; i < 200000; i++) DiscordSnowflake.generate();
  measureOurGeneration();
  const generation = [measureOurGeneration(), measureSapphireGeneration()];
  process.stdout.write(
    `${formatComparisonTable('Generation: ids per second in a tight loop (real clock, ~1 s)', generation)}\n`,
  );

  const fixture = realisticIds(1024);
  const opsPerCall = fixture.length;
  const next = fixture.slice(1).concat(fixture.slice(0, 1));

  const deconstructRows = await compareSideBySide({
    ours: {
      name: '@guildkit/snowflake deconstruct(string)',
      fn: () => {
        for (const id of fixture) sink += deconstruct(id).increment;
      },
    },
    peers: [
      {
        name: '@sapphire/snowflake deconstruct(string)',
        fn: () => {
          for (const id of fixture) sink += Number(DiscordSnowflake.deconstruct(id).increment);
        },
      },
    ],
    opsPerCall,
  });
  process.stdout.write(`${formatComparisonTable('deconstruct(string)', deconstructRows)}\n`);

  const timestampRows = await compareSideBySide({
    ours: {
      name: '@guildkit/snowflake timestampOf(string)',
      fn: () => {
        for (const id of fixture) sink += timestampOf(id);
      },
    },
    peers: [
      {
        name: '@sapphire/snowflake timestampFrom(string)',
        fn: () => {
          for (const id of fixture) sink += DiscordSnowflake.timestampFrom(id);
        },
      },
    ],
    opsPerCall,
  });
  process.stdout.write(`${formatComparisonTable('timestamp of an id (string)', timestampRows)}\n`);

  const relativeRows = await compareSideBySide({
    ours: {
      name: '@guildkit/snowflake relativeTimestampOf(string)',
      fn: () => {
        for (const id of fixture) sink += relativeTimestampOf(id);
      },
    },
    peers: [
      {
        name: 'naive Number(BigInt(id) >> 22n)',
        fn: () => {
          for (const id of fixture) sink += Number(BigInt(id) >> 22n);
        },
      },
    ],
    opsPerCall,
  });
  process.stdout.write(
    `${formatComparisonTable('id >> 22 exactly (string), as sharding uses it', relativeRows)}\n`,
  );

  const compareRows = await compareSideBySide({
    ours: {
      name: '@guildkit/snowflake compareSnowflakes(string, string)',
      fn: () => {
        for (let i = 0; i < fixture.length; i++) {
          sink += compareSnowflakes(fixture[i] ?? '0', next[i] ?? '0');
        }
      },
    },
    peers: [
      {
        name: '@sapphire/snowflake Snowflake.compare(string, string)',
        fn: () => {
          for (let i = 0; i < fixture.length; i++) {
            sink += Snowflake.compare(fixture[i] ?? '0', next[i] ?? '0');
          }
        },
      },
    ],
    opsPerCall,
  });
  process.stdout.write(`${formatComparisonTable('compare two ids (strings)', compareRows)}\n`);
  // Printing the sink keeps the measured loops from being optimised away.
  process.stdout.write(`(checksum ${sink})\n`);
}

await main();
