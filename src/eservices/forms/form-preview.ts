import { ErrorCode, FieldError } from '../../common/errors';
import { normalizeUserId } from '../../registry/user-id';
import { FormContent } from './form-content';
import { DA_MINIMUM, planRegistryEffects, ProfileChange } from './registry-effects';
import { contentProblems, contentWarnings } from './submission-rules';
import { DaRole } from '../../registry/da-roles';
import { countUsers, ProfileFacts, RegistrySnapshot } from '../../registry/registry-snapshot';

/** A problem of the preview: the field, the refusal's code (as submit would answer it) and the words. */
export interface PreviewProblem {
  field: string;
  code: Extract<ErrorCode, 'FORM_INVALID' | 'BUSINESS_RULE'>;
  message: string;
}

/** The four totals of the User Profile Listing (SPEC §3). */
export interface ListingTotals {
  maxUsers: number;
  totalUsers: number;
  totalDelegatedAdministrators: number;
  totalUsersExceptDelegatedAdministrators: number;
}

export interface LineImpact {
  /** The form's line (Add lines); other changes are named by their User ID. */
  line?: number;
  /** update: an existing profile changes; create: a new DA; delete: a profile goes. */
  change: ProfileChange['kind'];
  userId: string;
  /** The User ID an Add line would get (the first free of X1…Z9 as the registry is now). */
  assignedUserId?: string;
  emailBefore?: string | null;
  emailAfter?: string | null;
  statusBefore?: string | null;
  statusAfter?: string | null;
}

export interface RegistryImpact {
  before: ListingTotals;
  after: ListingTotals;
  /** Enabled DAs per role before and after, and the minimum the rules keep (SPEC §3). */
  enabledDas: Record<DaRole, { before: number; after: number; minimum: number }>;
  lines: LineImpact[];
}

export interface Preview {
  /** Whether the form would pass submit (or the completion's re-check) now; null where the caller is not told. */
  ready: boolean | null;
  problems: PreviewProblem[];
  warnings: FieldError[];
  registryImpact: RegistryImpact;
}

/**
 * What submitting (or completing) the form would find and do, against the registry as it is,
 * changing nothing (SPEC §11): the same rules the submit runs (contentProblems, then
 * planRegistryEffects), and the listing before and after the effects. `rules: false` gives the
 * registry impact alone (a participant's view of a form at HKEX: no HKEX-internal check).
 */
export function previewForm(content: FormContent, registry: RegistrySnapshot, rules = true): Preview {
  const effects = planRegistryEffects(content, registry);
  const problems: PreviewProblem[] = rules
    ? [
        ...contentProblems(content, registry.userIdPrefix).map((p) => ({ ...p, code: 'FORM_INVALID' as const })),
        ...effects.problems.map((p) => ({ ...p, code: 'BUSINESS_RULE' as const })),
      ]
    : [];
  return {
    ready: rules ? problems.length === 0 : null,
    problems,
    warnings: rules ? contentWarnings(content) : [],
    registryImpact: impactOf(registry, effects.changes, effects.quotaIncrease),
  };
}

function impactOf(registry: RegistrySnapshot, changes: ProfileChange[], quotaIncrease: number): RegistryImpact {
  const profiles = new Map<string, ProfileFacts>(registry.profiles.map((p) => [normalizeUserId(p.userId), { ...p }]));
  const lines: LineImpact[] = [];
  for (const change of changes) {
    if (change.kind === 'create') {
      const { userId, email, daRole } = change.profile;
      profiles.set(normalizeUserId(userId), { userId, email, isDa: true, daRole, status: 'ENABLED' });
      lines.push({
        line: change.line,
        change: 'create',
        userId,
        assignedUserId: userId,
        emailAfter: email,
        statusAfter: 'ENABLED',
      });
      continue;
    }
    const key = normalizeUserId(change.userId);
    const before = profiles.get(key);
    if (change.kind === 'delete') {
      profiles.delete(key);
      lines.push({
        change: 'delete',
        userId: change.userId,
        emailBefore: before?.email ?? null,
        statusBefore: before?.status ?? null,
      });
      continue;
    }
    const after = { ...(before as ProfileFacts), ...(change.set as Partial<ProfileFacts>) };
    profiles.set(key, after);
    lines.push({
      change: 'update',
      userId: change.userId,
      emailBefore: before?.email ?? null,
      emailAfter: after.email,
      statusBefore: before?.status ?? null,
      statusAfter: after.status,
    });
  }
  const was = countUsers(registry.profiles);
  const now = countUsers([...profiles.values()]);
  const totals = (maxUsers: number, c: ReturnType<typeof countUsers>): ListingTotals => ({
    maxUsers,
    totalUsers: c.total,
    totalDelegatedAdministrators: c.das,
    totalUsersExceptDelegatedAdministrators: c.total - c.das,
  });
  return {
    before: totals(registry.maxUsers, was),
    after: totals(registry.maxUsers + quotaIncrease, now),
    enabledDas: {
      maker: { before: was.maker, after: now.maker, minimum: DA_MINIMUM.maker },
      checker: { before: was.checker, after: now.checker, minimum: DA_MINIMUM.checker },
    },
    lines,
  };
}
