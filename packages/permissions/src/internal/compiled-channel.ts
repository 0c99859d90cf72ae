import type { CompiledChannel } from '../compiled.js';
import type { ChannelKind } from './rules.js';

/** The compiled form behind {@link CompiledChannel}. */
export class ChannelData implements CompiledChannel {
  constructor(
    /** The compiled guild whose role indexes `roleBits` follows. */
    readonly owner: object,
    readonly id: string,
    readonly kind: ChannelKind,
    /** The `@everyone` overwrite: allow lo, allow hi, deny lo, deny hi. */
    readonly everyone: Int32Array,
    /**
     * Role overwrites by role index, four int32 per role (zeros without an overwrite):
     * allow lo, allow hi, deny lo, deny hi.
     */
    readonly roleBits: Int32Array,
    /** User ids of the member overwrites (a channel has few: a linear scan beats a Map). */
    readonly memberIds: readonly string[],
    /** Member overwrites, four int32 per entry of `memberIds`: allow lo/hi, deny lo/hi. */
    readonly memberBits: Int32Array,
  ) {}
}
