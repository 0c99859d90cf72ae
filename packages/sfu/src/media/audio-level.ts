import type { RtpPacket } from 'werift';

/**
 * Reads the RFC 6464 client-to-mixer audio level of a packet: the level in -dBov, from 0 (the
 * loudest) to 127 (silence).
 *
 * @param rtp - an audio packet.
 * @param extensionId - the negotiated id of `urn:ietf:params:rtp-hdrext:ssrc-audio-level`.
 * @returns the level in dBov (0 … -127), or `undefined` when the packet does not carry it.
 */
export function audioLevelDbov(rtp: RtpPacket, extensionId: number): number | undefined {
  for (const extension of rtp.header.extensions) {
    if (extension.id !== extensionId) continue;
    const byte = extension.payload[0];
    return byte === undefined ? undefined : -(byte & 0x7f);
  }
  return undefined;
}

/**
 * Whether a packet carries voice: louder than `thresholdDbov` by its audio level, or, when the
 * sender does not send levels, any packet at all.
 *
 * @param rtp - an audio packet.
 * @param extensionId - the negotiated audio-level extension id, if negotiated.
 * @param thresholdDbov - the quietest level that counts as voice (e.g. -60).
 * @returns whether the packet counts as speaking.
 */
export function isVoiced(
  rtp: RtpPacket,
  extensionId: number | undefined,
  thresholdDbov: number,
): boolean {
  if (extensionId === undefined) return true;
  const level = audioLevelDbov(rtp, extensionId);
  return level === undefined || level >= thresholdDbov;
}
