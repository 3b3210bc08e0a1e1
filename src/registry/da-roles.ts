/** The two roles of a Delegated Administrator (SPEC §3). */
export const DA_ROLES = ['maker', 'checker'] as const;
export type DaRole = (typeof DA_ROLES)[number];
