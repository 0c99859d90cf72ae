import { SfuError, SfuErrorCode } from '../errors.js';

/**
 * @param value - the value to check.
 * @param name - how the value is called in the error message.
 * @throws SfuError `GK_SFU_INVALID_OPTION` unless it is a non-empty string.
 */
export function assertNonEmptyString(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new SfuError(SfuErrorCode.InvalidOption, `${name} must be a non-empty string`);
  }
}

/**
 * @param value - the value to check.
 * @param name - how the value is called in the error message.
 * @param min - the smallest allowed value.
 * @throws SfuError `GK_SFU_INVALID_OPTION` unless it is a safe integer of at least `min`.
 */
export function assertInteger(value: unknown, name: string, min: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new SfuError(
      SfuErrorCode.InvalidOption,
      `${name} must be a safe integer >= ${String(min)}, got ${String(value)}`,
    );
  }
}

/**
 * @param value - the value to check.
 * @param name - how the value is called in the error message.
 * @throws SfuError `GK_SFU_INVALID_OPTION` unless it is a positive finite number.
 */
export function assertPositiveDuration(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new SfuError(
      SfuErrorCode.InvalidOption,
      `${name} must be a positive finite number of ms, got ${String(value)}`,
    );
  }
}

/**
 * @param value - the value to check.
 * @throws SfuError `GK_SFU_INVALID_OPTION` unless it is a number in `[0, 1]`.
 */
export function assertCpu(value: unknown): asserts value is number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new SfuError(SfuErrorCode.InvalidOption, `cpu must be in [0, 1], got ${String(value)}`);
  }
}
