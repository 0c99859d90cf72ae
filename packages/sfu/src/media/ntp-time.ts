/** Seconds from the NTP epoch (1900-01-01) to the Unix epoch (1970-01-01). */
const NTP_UNIX_OFFSET_SECONDS = 2_208_988_800;

/**
 * Converts wall-clock time to the 64-bit NTP timestamp of RTCP sender reports (RFC 3550 §4);
 * seconds wrap at 2^32 (NTP era 1 starts in February 2036):
 *
 * ```
 *  0                   31 32                  63
 * +----------------------+----------------------+
 * | seconds since 1900   | fraction of a second |
 * +----------------------+----------------------+
 * ```
 *
 * @param ms - milliseconds since the Unix epoch.
 * @returns the NTP timestamp.
 *
 * @example
 * ```ts
 * ntpTimestamp(0); // 2208988800n << 32n
 * ```
 */
export function ntpTimestamp(ms: number): bigint {
  const seconds = Math.floor(ms / 1000);
  const fraction = Math.floor(((ms - seconds * 1000) / 1000) * 2 ** 32);
  return (BigInt((seconds + NTP_UNIX_OFFSET_SECONDS) % 2 ** 32) << 32n) | BigInt(fraction);
}
