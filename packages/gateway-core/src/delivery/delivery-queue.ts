import type { PreparedDispatch } from '../dispatch-frame.js';
import type { GatewaySession } from '../gateway-session.js';

/** What a fan-out call did. */
export interface FanOutResult {
  /** Sessions the dispatch was numbered for (sent, or buffered for a detached session). */
  readonly delivered: number;
  /** Sessions left out by their intents, their shard, the audience or passivity. */
  readonly filtered: number;
  /** Congested sessions that skipped it (low priority only). */
  readonly dropped: number;
  /**
   * Sessions not served yet: an audience larger than a slice (or one of a guild with a
   * delivery under way) is served slice by slice on later macrotasks, in order with the
   * guild's other dispatches.
   */
  readonly queued: number;
}

/** The frame one session gets, or `undefined` to leave it out. */
export type DeliverySelector = (session: GatewaySession) => PreparedDispatch | undefined;

/** A group of sessions of one delivery: a live index set or a list built for the call. */
export type DeliverySegment = ReadonlySet<GatewaySession> | readonly GatewaySession[];

/** Options for {@link DeliveryQueue}. */
export interface DeliveryQueueOptions {
  /** Sessions served per slice, at most. */
  readonly sliceSize: number;
  /**
   * Time one slice may spend serving sessions, at most (checked every 64 sessions), so slices
   * of heavy dispatches stay short too.
   */
  readonly sliceMs: number;
  /** The time source of `sliceMs`, in ms. */
  readonly now: () => number;
  /** Runs the next slice on a later macrotask. */
  readonly schedule: (run: () => void) => void;
  /** Told about an ended session met on the way (to drop it from the indexes). */
  readonly onEnded: (session: GatewaySession) => void;
}

interface Job {
  readonly guildId: string | undefined;
  readonly segments: readonly DeliverySegment[];
  /** One per dispatch merged into this job, in dispatch order: each session gets them all. */
  readonly selects: DeliverySelector[];
  segment: number;
  /** The current segment as it was when the job reached it (a set is copied to an array). */
  sessions: readonly GatewaySession[] | undefined;
  /** The next session to serve in `sessions`. */
  index: number;
}

interface Counts {
  delivered: number;
  filtered: number;
  dropped: number;
  visited: number;
}

/** The clock is read once per 64 sessions served. */
const TIME_CHECK_MASK = 63;

const sizeOf = (segment: DeliverySegment): number =>
  'size' in segment ? segment.size : segment.length;

function newJob(
  guildId: string | undefined,
  segments: readonly DeliverySegment[],
  select: DeliverySelector,
): Job {
  return { guildId, segments, selects: [select], segment: 0, sessions: undefined, index: 0 };
}

/** Whether two deliveries go to the very same session groups (so they can share one pass). */
function sameSegments(a: readonly DeliverySegment[], b: readonly DeliverySegment[]): boolean {
  return a.length === b.length && a.every((segment, i) => segment === b[i]);
}

/**
 * Delivers dispatches to session sets in slices, so one huge guild never holds the event
 * loop for long: a delivery whose audience fits in one slice runs at once; a larger one is
 * served slice by slice on later macrotasks. A guild's deliveries keep their order: while one
 * is unfinished, the next ones for that guild wait behind it. Waiting deliveries to the very
 * same sessions (a chat burst in one guild) share one pass, so each session gets all of them
 * in one slice and its socket one write. Deliveries without a guild (to a user, a session)
 * never wait.
 */
export class DeliveryQueue {
  readonly #sliceSize: number;
  readonly #sliceMs: number;
  readonly #now: () => number;
  readonly #schedule: (run: () => void) => void;
  readonly #onEnded: (session: GatewaySession) => void;
  readonly #jobs: Job[] = [];
  readonly #queuedByGuild = new Map<string, number>();
  #scheduled = false;
  #idle: (() => void)[] = [];

  /** @param options - slice size, macrotask scheduler and ended-session hook. */
  constructor(options: DeliveryQueueOptions) {
    this.#sliceSize = options.sliceSize;
    this.#sliceMs = options.sliceMs;
    this.#now = options.now;
    this.#schedule = options.schedule;
    this.#onEnded = options.onEnded;
  }

  /** Deliveries still waiting for a slice. */
  get pending(): number {
    return this.#jobs.length;
  }

  /**
   * Delivers `select(session)` to every session of the segments, in order.
   *
   * @param guildId - the guild whose order it keeps, or `undefined`.
   * @param segments - the sessions, segment after segment.
   * @param select - the frame for a session, or `undefined` to filter it out.
   * @returns what the synchronous part did, and how many sessions wait for later slices.
   */
  deliver(
    guildId: string | undefined,
    segments: readonly DeliverySegment[],
    select: DeliverySelector,
  ): FanOutResult {
    let total = 0;
    for (const segment of segments) total += sizeOf(segment);
    const waits = guildId !== undefined && this.#queuedByGuild.has(guildId);
    if (!waits && total <= this.#sliceSize) {
      const counts: Counts = { delivered: 0, filtered: 0, dropped: 0, visited: 0 };
      this.#run(
        newJob(guildId, segments, select),
        Number.POSITIVE_INFINITY,
        Number.POSITIVE_INFINITY,
        counts,
      );
      return {
        delivered: counts.delivered,
        filtered: counts.filtered,
        dropped: counts.dropped,
        queued: 0,
      };
    }
    const tail = this.#jobs.at(-1);
    if (
      tail !== undefined &&
      tail.guildId === guildId &&
      tail.segment === 0 &&
      tail.sessions === undefined &&
      sameSegments(tail.segments, segments)
    )
      tail.selects.push(select);
    else this.#enqueue(newJob(guildId, segments, select));
    return { delivered: 0, filtered: 0, dropped: 0, queued: total };
  }

  /** @returns a promise that resolves once no delivery waits for a slice. */
  whenIdle(): Promise<void> {
    if (this.#jobs.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #enqueue(job: Job): void {
    this.#jobs.push(job);
    if (job.guildId !== undefined)
      this.#queuedByGuild.set(job.guildId, (this.#queuedByGuild.get(job.guildId) ?? 0) + 1);
    this.#plan();
  }

  #plan(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    this.#schedule(() => this.#slice());
  }

  #slice(): void {
    this.#scheduled = false;
    const counts: Counts = { delivered: 0, filtered: 0, dropped: 0, visited: 0 };
    const deadline = this.#now() + this.#sliceMs;
    while (this.#jobs.length > 0 && counts.visited < this.#sliceSize) {
      const job = this.#jobs[0] as Job;
      if (!this.#run(job, this.#sliceSize - counts.visited, deadline, counts)) break;
      this.#jobs.shift();
      if (job.guildId !== undefined) {
        const left = (this.#queuedByGuild.get(job.guildId) ?? 1) - 1;
        if (left === 0) this.#queuedByGuild.delete(job.guildId);
        else this.#queuedByGuild.set(job.guildId, left);
      }
    }
    if (this.#jobs.length > 0) {
      this.#plan();
      return;
    }
    const idle = this.#idle;
    this.#idle = [];
    for (const resolve of idle) resolve();
  }

  /** Serves up to `budget` sessions of `job` until `deadline`; `true` once the job is finished. */
  #run(job: Job, budget: number, deadline: number, counts: Counts): boolean {
    const stop = counts.visited + budget;
    while (job.segment < job.segments.length) {
      const segment = job.segments[job.segment] as DeliverySegment;
      // Copying a live index set once is cheaper than an iterator step per session, and the
      // job then serves the sessions that were there when it reached them.
      job.sessions ??= Array.isArray(segment) ? segment : Array.from(segment);
      const sessions = job.sessions;
      while (job.index < sessions.length) {
        if (
          counts.visited >= stop ||
          ((counts.visited & TIME_CHECK_MASK) === TIME_CHECK_MASK && this.#now() >= deadline)
        )
          return false;
        counts.visited += 1;
        this.#serve(job.selects, sessions[job.index++] as GatewaySession, counts);
      }
      job.segment += 1;
      job.sessions = undefined;
      job.index = 0;
    }
    return true;
  }

  #serve(selects: readonly DeliverySelector[], session: GatewaySession, counts: Counts): void {
    if (session.ended) {
      this.#onEnded(session);
      return;
    }
    for (const select of selects) {
      const frame = select(session);
      if (frame === undefined) counts.filtered += 1;
      else if (session.dispatch(frame) === undefined) counts.dropped += 1;
      else counts.delivered += 1;
    }
  }
}
