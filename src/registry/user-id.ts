/**
 * CCASS/CCMS identifiers (SPEC §2). Every User ID is the participantship's 6-character
 * prefix and two characters; `[XYZ][1-9]` is reserved for Delegated Administrators.
 */
export const CLEARING_HOUSES = ['HKSCC', 'HKCC', 'SEOCH'] as const;
export type ClearingHouse = (typeof CLEARING_HOUSES)[number];

export const PARTICIPANT_KINDS = ['CP', 'DB'] as const;
export type ParticipantKind = (typeof PARTICIPANT_KINDS)[number];

const DA_SUFFIX = /^[XYZ][1-9]$/;
const ALNUM = /^[A-Z0-9]+$/;

/** The 27 DA suffixes in the order they are handed out: X1..X9, Y1..Y9, Z1..Z9. */
export const DA_SUFFIXES: readonly string[] = ['X', 'Y', 'Z'].flatMap((l) =>
  ['1', '2', '3', '4', '5', '6', '7', '8', '9'].map((d) => l + d),
);
export const MAX_DAS = DA_SUFFIXES.length;

export const normalizeUserId = (id: string): string => id.trim().toUpperCase();

/** Why a prefix is not valid for its clearing house, or null. */
export function prefixProblem(
  clearingHouse: ClearingHouse,
  kind: ParticipantKind,
  participantId: string,
  prefix: string,
): string | null {
  if (clearingHouse === 'HKSCC') {
    if (!/^[A-Z0-9]{6}$/.test(participantId)) return 'an HKSCC Participant ID is 6 letters or digits';
    if (prefix !== participantId) return 'the HKSCC User ID prefix is the Participant ID';
    return null;
  }
  if (kind !== 'CP') return `${clearingHouse} has Clearing Participants only`;
  if (!/^HK[A-Z0-9]{3}[1-4]$/.test(prefix)) return `a ${clearingHouse} User ID prefix is HK, the customer code and 1-4`;
  return null;
}

export type UserIdKind = 'da' | 'user';

/** Why `userId` is not a User ID of this prefix (of the given kind, if any), or null. */
export function userIdProblem(userId: string, prefix: string, kind?: UserIdKind): string | null {
  const id = normalizeUserId(userId);
  if (id.length !== 8 || !ALNUM.test(id)) return 'a User ID is 8 letters or digits';
  if (!id.startsWith(prefix)) return `a User ID of this participantship starts with ${prefix}`;
  const suffix = id.slice(6);
  if (kind === 'da' && !DA_SUFFIX.test(suffix)) return `a DA User ID ends with X, Y or Z and 1-9 (e.g. ${prefix}X1)`;
  if (kind === 'user' && DA_SUFFIX.test(suffix)) return `${suffix} is reserved for Delegated Administrators`;
  return null;
}

export const isDaUserId = (userId: string): boolean => DA_SUFFIX.test(normalizeUserId(userId).slice(6));

/** The first DA User ID not in use, or null when all 27 are taken. */
export function nextFreeDaUserId(prefix: string, taken: Iterable<string>): string | null {
  const used = new Set([...taken].map(normalizeUserId));
  const suffix = DA_SUFFIXES.find((s) => !used.has(prefix + s));
  return suffix ? prefix + suffix : null;
}
