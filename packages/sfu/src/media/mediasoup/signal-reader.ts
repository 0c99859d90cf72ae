import { SfuError, SfuErrorCode } from '../../errors.js';

/** A plain object read from a signaling message. */
export type SignalRecord = Readonly<Record<string, unknown>>;

/**
 * The error for a value of a signaling message that is not what its dialect says.
 *
 * @param path - where the value sits, e.g. `produce.rtpParameters.codecs[0].clockRate`.
 * @param expectation - what it must be, e.g. `an integer from 1 to 255`.
 * @returns a `GK_SFU_INVALID_SIGNAL` error naming both.
 */
export function invalidSignal(path: string, expectation: string): SfuError {
  return new SfuError(SfuErrorCode.InvalidSignal, `${path} must be ${expectation}`);
}

/**
 * Reads a plain object (not null, not an array, not a class instance).
 *
 * @param value - the value.
 * @param path - where it sits.
 * @returns the object.
 * @throws {@link SfuError} `GK_SFU_INVALID_SIGNAL` when it is not one.
 */
export function readRecord(value: unknown, path: string): SignalRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidSignal(path, 'an object');
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    throw invalidSignal(path, 'a plain object');
  }
  return value as SignalRecord;
}

/**
 * Reads a string of bounded length.
 *
 * @param value - the value.
 * @param path - where it sits.
 * @param maxLength - the longest allowed.
 * @param minLength - the shortest allowed.
 * @returns the string.
 * @throws {@link SfuError} `GK_SFU_INVALID_SIGNAL` when it is not a string of that length.
 */
export function readString(value: unknown, path: string, maxLength: number, minLength = 1): string {
  if (typeof value !== 'string' || value.length < minLength || value.length > maxLength) {
    throw invalidSignal(path, `a string of ${minLength} to ${maxLength} characters`);
  }
  return value;
}

/**
 * Reads an integer in a range.
 *
 * @param value - the value.
 * @param path - where it sits.
 * @param min - the smallest allowed.
 * @param max - the largest allowed.
 * @returns the integer.
 * @throws {@link SfuError} `GK_SFU_INVALID_SIGNAL` when it is not an integer in range.
 */
export function readInteger(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidSignal(path, `an integer from ${min} to ${max}`);
  }
  return value;
}

/**
 * Reads a boolean.
 *
 * @param value - the value.
 * @param path - where it sits.
 * @returns the boolean.
 * @throws {@link SfuError} `GK_SFU_INVALID_SIGNAL` when it is not one.
 */
export function readBoolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') throw invalidSignal(path, 'a boolean');
  return value;
}

/**
 * Reads an array of bounded length (its items are read by the caller).
 *
 * @param value - the value.
 * @param path - where it sits.
 * @param maxLength - the most items allowed.
 * @param minLength - the fewest items allowed.
 * @returns the array.
 * @throws {@link SfuError} `GK_SFU_INVALID_SIGNAL` when it is not an array of that length.
 */
export function readArray(
  value: unknown,
  path: string,
  maxLength: number,
  minLength = 0,
): readonly unknown[] {
  if (!Array.isArray(value) || value.length < minLength || value.length > maxLength) {
    throw invalidSignal(path, `an array of ${minLength} to ${maxLength} items`);
  }
  return value;
}

/**
 * Reads one of a fixed set of strings.
 *
 * @param value - the value.
 * @param path - where it sits.
 * @param allowed - the strings allowed.
 * @returns the string, typed as one of `allowed`.
 * @throws {@link SfuError} `GK_SFU_INVALID_SIGNAL` when it is not one of them.
 */
export function readOneOf<T extends string>(
  value: unknown,
  path: string,
  allowed: readonly T[],
): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalidSignal(path, `one of ${allowed.map((item) => `'${item}'`).join(', ')}`);
  }
  return value as T;
}

/**
 * Reads an optional field of a record: absent (`undefined`) stays absent.
 *
 * @param record - the record.
 * @param key - the field.
 * @param path - where the record sits.
 * @param read - how to read the field when present.
 * @returns the field read, or `undefined` when absent.
 * @throws {@link SfuError} `GK_SFU_INVALID_SIGNAL` when `read` refuses it.
 */
export function readOptional<T>(
  record: SignalRecord,
  key: string,
  path: string,
  read: (value: unknown, path: string) => T,
): T | undefined {
  const value = record[key];
  return value === undefined ? undefined : read(value, `${path}.${key}`);
}
