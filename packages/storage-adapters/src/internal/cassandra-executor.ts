import type { Scheduler } from '@guildkit/snowflake';
import { type Client, errors, type types } from 'cassandra-driver';
import { StorageUnavailableError } from '../errors.js';

/** How often, and how patiently, a failed statement is retried. */
export interface RetrySettings {
  readonly attempts: number;
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
}

/** A statement's parameters: strings (ids, text), numbers (buckets, limits), booleans, or `types.unset`. */
export type CqlParameter = string | number | boolean | typeof types.unset;

/** What kind of retry a statement tolerates. */
export type Idempotence = 'idempotent' | 'not-idempotent';

// Codes the coordinator answers before applying anything: safe to retry any statement.
const REJECTED_BEFORE_APPLYING = new Set<number>([
  0x1000, // unavailableException
  0x1001, // overloaded
  0x1002, // isBootstrapping
]);
// Codes after which a write may or may not have been applied: retry idempotent statements only.
const OUTCOME_UNKNOWN = new Set<number>([
  0x1100, // writeTimeout
  0x1200, // readTimeout
]);

/**
 * Runs prepared statements with bounded retries and turns every driver error into a
 * {@link StorageUnavailableError} (the driver error as `cause`, its first line in the message,
 * never its stack).
 *
 * Retried: `NoHostAvailableError` and `BusyConnectionError` (nothing reached a coordinator or
 * every host failed), Unavailable / Overloaded / IsBootstrapping (refused before applying); and,
 * for idempotent statements only, client-side timeouts and read/write timeouts. Counter updates
 * are not idempotent: a timed-out increment may have been applied, so it is never repeated.
 * Anything else (syntax, invalid request, unauthorized) fails at once.
 */
export class CassandraExecutor {
  readonly #client: Client;
  readonly #consistency: types.consistencies;
  readonly #retry: RetrySettings;
  readonly #scheduler: Scheduler;

  constructor(
    client: Client,
    consistency: types.consistencies,
    retry: RetrySettings,
    scheduler: Scheduler,
  ) {
    this.#client = client;
    this.#consistency = consistency;
    this.#retry = retry;
    this.#scheduler = scheduler;
  }

  /**
   * @param operation - the store method, for the error message.
   * @param query - a CQL statement (prepared on first use).
   * @param params - positional parameters.
   * @param idempotence - whether the statement may run twice.
   * @returns the driver's result.
   * @throws StorageUnavailableError after the last attempt, or at once for a non-retryable error.
   */
  execute(
    operation: string,
    query: string,
    params: readonly CqlParameter[],
    idempotence: Idempotence = 'idempotent',
  ): Promise<types.ResultSet> {
    const isIdempotent = idempotence === 'idempotent';
    const options = { prepare: true, consistency: this.#consistency, isIdempotent };
    return this.#withRetries(operation, isIdempotent, () =>
      this.#client.execute(query, [...params], options),
    );
  }

  /**
   * Runs a schema statement (not prepared), with the same retry and error policy.
   *
   * @param operation - for the error message.
   * @param query - the CQL.
   * @returns the driver's result.
   * @throws StorageUnavailableError as {@link CassandraExecutor.execute}.
   */
  executeSchema(operation: string, query: string): Promise<types.ResultSet> {
    return this.#withRetries(operation, true, () =>
      this.#client.execute(query, [], { isIdempotent: true }),
    );
  }

  async #withRetries(
    operation: string,
    idempotent: boolean,
    call: () => Promise<types.ResultSet>,
  ): Promise<types.ResultSet> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await call();
      } catch (cause) {
        if (attempt >= this.#retry.attempts || !isRetryable(cause, idempotent)) {
          throw new StorageUnavailableError(
            `cassandra: ${operation} failed after ${attempt} attempt(s): ${summary(cause)}`,
            { cause },
          );
        }
        await this.#sleep(
          Math.min(this.#retry.backoffMs * 2 ** (attempt - 1), this.#retry.maxBackoffMs),
        );
      }
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.#scheduler.setTimeout(resolve, ms);
    });
  }
}

function isRetryable(error: unknown, idempotent: boolean): boolean {
  if (error instanceof errors.NoHostAvailableError) return true;
  if (error instanceof errors.BusyConnectionError) return true;
  if (error instanceof errors.OperationTimedOutError) return idempotent;
  if (error instanceof errors.ResponseError) {
    if (REJECTED_BEFORE_APPLYING.has(error.code)) return true;
    return idempotent && OUTCOME_UNKNOWN.has(error.code);
  }
  return false;
}

/** The driver error's name and first line (driver messages can embed inner stack traces). */
function summary(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const firstLine = error.message.split('\n', 1)[0] ?? '';
  return `${error.name}: ${firstLine.slice(0, 300)}`;
}
