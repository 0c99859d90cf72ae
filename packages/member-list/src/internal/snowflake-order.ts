/**
 * Orders two canonical decimal snowflakes numerically without parsing: a shorter string is a
 * smaller number; equal lengths compare as text.
 */
export function compareSnowflakeStrings(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
