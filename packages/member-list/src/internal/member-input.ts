import { MemberListError, MemberListErrorCode } from '../errors.js';
import type { ListRole, MemberInput, MemberPatch, MemberStatus } from '../types.js';
import { Status } from './member-store.js';
import { parseSnowflake, type SnowflakeHalves } from './snowflake64.js';

/** A member's complete state as a pending change records it. */
export interface MemberState {
  readonly username: string;
  readonly globalName: string | null;
  readonly nick: string | null;
  readonly roles: readonly string[];
  readonly status: number;
}

const STATUS_CODES: Readonly<Record<MemberStatus, number>> = {
  online: Status.Online,
  idle: Status.Idle,
  dnd: Status.Dnd,
  offline: Status.Offline,
  invisible: Status.Offline,
};

/** @throws {@link MemberListError} `GK_MEMBER_LIST_INVALID_ARGUMENT` unless `id` is a snowflake. */
export function parseUserId(id: unknown, out: SnowflakeHalves, what = 'user id'): void {
  if (typeof id !== 'string' || !parseSnowflake(id, out)) {
    throw invalid(`${what} ${JSON.stringify(id)} is not a snowflake below 2^64`);
  }
}

/** @returns the full state of a joining member, checked. */
export function stateOfInput(input: MemberInput): MemberState {
  if (typeof input !== 'object' || input === null) throw invalid('a member must be an object');
  return {
    username: checkUsername(input.username),
    globalName: checkOptionalName(input.globalName ?? null, 'globalName'),
    nick: checkOptionalName(input.nick ?? null, 'nick'),
    roles: checkRoles(input.roles ?? []),
    status: checkStatus(input.status ?? 'offline'),
  };
}

/** @returns `current` with `patch` applied, checked. */
export function patchState(current: MemberState, patch: MemberPatch): MemberState {
  if (typeof patch !== 'object' || patch === null)
    throw invalid('a member patch must be an object');
  return {
    username: patch.username === undefined ? current.username : checkUsername(patch.username),
    globalName:
      patch.globalName === undefined
        ? current.globalName
        : checkOptionalName(patch.globalName, 'globalName'),
    nick: patch.nick === undefined ? current.nick : checkOptionalName(patch.nick, 'nick'),
    roles: patch.roles === undefined ? current.roles : checkRoles(patch.roles),
    status: patch.status === undefined ? current.status : checkStatus(patch.status),
  };
}

/** @returns a copy of `role`, checked. */
export function checkRole(role: ListRole): ListRole {
  const scratch = { hi: 0, lo: 0 };
  if (typeof role !== 'object' || role === null) throw invalid('a role must be an object');
  parseUserId(role.id, scratch, 'role id');
  if (!Number.isSafeInteger(role.position))
    throw invalid(`role ${role.id}: position is not an integer`);
  if (typeof role.hoist !== 'boolean') throw invalid(`role ${role.id}: hoist is not a boolean`);
  return { id: role.id, position: role.position, hoist: role.hoist };
}

function checkUsername(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0)
    throw invalid('username must be a non-empty string');
  return value;
}

function checkOptionalName(value: unknown, field: string): string | null {
  if (value === null) return null;
  if (typeof value !== 'string' || value.length === 0) {
    throw invalid(`${field} must be a non-empty string or null`);
  }
  return value;
}

function checkRoles(value: unknown): readonly string[] {
  if (!Array.isArray(value)) throw invalid('roles must be an array of role ids');
  const scratch = { hi: 0, lo: 0 };
  for (const id of value) parseUserId(id, scratch, 'role id');
  return value as readonly string[];
}

function checkStatus(value: unknown): number {
  const code = typeof value === 'string' ? STATUS_CODES[value as MemberStatus] : undefined;
  if (code === undefined || !Object.hasOwn(STATUS_CODES, value as string)) {
    throw invalid(`status ${JSON.stringify(value)} is not online, idle, dnd, offline or invisible`);
  }
  return code;
}

function invalid(message: string): MemberListError {
  return new MemberListError(MemberListErrorCode.InvalidArgument, message);
}
