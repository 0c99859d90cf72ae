export { MemberListError, MemberListErrorCode } from './errors.js';
export {
  type ChannelAudience,
  EVERYONE_LIST_ID,
  MemberListIds,
  type VisibilityOverwrite,
} from './list-ids.js';
export {
  DEFAULT_MEMBER_LIST_OPTIONS,
  MemberList,
  type MemberListOptions,
} from './member-list.js';
export { MemberListReplica } from './member-list-replica.js';
export {
  DEFAULT_ORDER_INDEX_OPTIONS,
  OrderIndex,
  type OrderIndexOptions,
  type SlotComparator,
} from './order-index.js';
export type {
  GuildMemberListUpdate,
  ListedStatus,
  ListRole,
  MemberInput,
  MemberListDeleteOp,
  MemberListGroup,
  MemberListGroupItem,
  MemberListInsertOp,
  MemberListInvalidateOp,
  MemberListItem,
  MemberListMember,
  MemberListMemberItem,
  MemberListOp,
  MemberListPresence,
  MemberListRange,
  MemberListSyncOp,
  MemberListUpdateOp,
  MemberListUser,
  MemberPatch,
  MemberStatus,
  Scheduler,
} from './types.js';
