import { SfuError } from '@guildkit/sfu';

/** The `SfuError` code `fn` throws, or `undefined` when it returns; rethrows anything else. */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof SfuError) return error.code;
    throw error;
  }
  return undefined;
}
