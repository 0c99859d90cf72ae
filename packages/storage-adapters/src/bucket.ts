/** The span of one message bucket (Cassandra partition) in ms: 10 days. */
export const BUCKET_SPAN_MS = 10 * 24 * 60 * 60 * 1000;

/**
 * The bucket of a message: `floor((id >> 22) / 10 days)`, i.e. the number of whole 10-day
 * windows between the Discord epoch and the Snowflake's timestamp. A channel's messages live in
 * partitions `(channel_id, bucket)`, so no partition grows without bound.
 *
 * @param messageId - a Snowflake (canonical decimal string).
 * @returns the bucket number (0 for the first 10 days after 2015-01-01).
 */
export function bucketOf(messageId: string): number {
  return Math.floor(Number(BigInt(messageId) >> 22n) / BUCKET_SPAN_MS);
}

/**
 * @param bucket - a bucket number.
 * @returns the smallest Snowflake whose timestamp lies in `bucket` (worker, process and
 * increment bits zero).
 */
export function firstIdOfBucket(bucket: number): string {
  return (BigInt(bucket * BUCKET_SPAN_MS) << 22n).toString();
}
