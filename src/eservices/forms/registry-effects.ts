import { FieldError } from '../../common/errors';
import { MAX_DAS, nextFreeDaUserId, normalizeUserId } from '../../registry/user-id';
import { DaRole } from '../../registry/da-roles';
import { countUsers, ProfileFacts, RegistrySnapshot } from '../../registry/registry-snapshot';
import { FormContent } from './form-content';

/** Each participantship keeps at least this many enabled DAs of each role (SPEC §3). */
export const DA_MINIMUM: Record<DaRole, number> = { maker: 1, checker: 2 };

export type ProfileChange =
  | { kind: 'update'; userId: string; set: Partial<ChangeableProfile> }
  | { kind: 'create'; line: number; profile: NewProfile }
  | { kind: 'delete'; userId: string };

export interface ChangeableProfile {
  email: string;
  isDa: boolean;
  daRole: DaRole | null;
  status: 'ENABLED' | 'DISABLED';
  locked: boolean;
  otpEnabled: boolean;
  passwordSetupRequired: boolean;
}

export interface NewProfile {
  userId: string;
  surname: string;
  otherNames: string;
  email: string;
  daRole: DaRole;
}

export interface RegistryEffects {
  /** Business-rule refusals (HTTP 422); when any, `changes` must not be applied. */
  problems: FieldError[];
  changes: ProfileChange[];
  /** DA4: how much the account quota rises. */
  quotaIncrease: number;
}

const sameEmail = (a: string | null | undefined, b: string | null | undefined): boolean =>
  !!a && !!b && a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * What completing the form would do to the registry, and every rule it would break
 * (SPEC §3, §4): the DA exists (or is a non-DA user, for Add), e-mails match, a free
 * account under the quota, at most 27 DAs, and the minimum of enabled DAs per role.
 * Pure: run at submit, at HKEX arrival and again at completion on the registry of that moment.
 */
export function planRegistryEffects(form: FormContent, registry: RegistrySnapshot): RegistryEffects {
  if (form.formType === 'DA4') return { problems: [], changes: [], quotaIncrease: form.accounts ?? 0 };

  const problems: FieldError[] = [];
  const changes: ProfileChange[] = [];
  const profiles = new Map(registry.profiles.map((p) => [normalizeUserId(p.userId), { ...p }]));

  form.lines.forEach((line, i) => {
    const at = `lines[${i}]`;
    const fail = (field: string, message: string): void => void problems.push({ field: `${at}.${field}`, message });
    const userId = line.userId ? normalizeUserId(line.userId) : null;
    const profile = userId ? profiles.get(userId) : undefined;

    if (form.requestType === 'ADD') {
      if (userId) {
        if (!profile) return fail('userId', `no user ${userId} in this participantship`);
        if (profile.isDa) return fail('userId', `${userId} is already a Delegated Administrator`);
        // The registered e-mail identifies the user who gets the DA role, as for Unlock or
        // Delete; a new address for the DA is a Change form afterwards, never a side effect.
        if (line.email && !sameEmail(line.email, profile.email))
          return fail(
            'email',
            `the e-mail does not match the one registered for ${userId}; give the registered e-mail, and change it with a Change form once ${userId} is a DA`,
          );
        profile.isDa = true;
        profile.daRole = line.daRole ?? null;
        changes.push({ kind: 'update', userId, set: { isDa: true, daRole: line.daRole ?? null } });
        return;
      }
      const newId = nextFreeDaUserId(registry.userIdPrefix, profiles.keys());
      if (!newId) return fail('daRole', `all ${MAX_DAS} DA User IDs are in use`);
      const created: ProfileFacts = {
        userId: newId,
        email: line.email ?? '',
        isDa: true,
        daRole: line.daRole ?? 'maker',
        status: 'ENABLED',
      };
      profiles.set(newId, created);
      changes.push({
        kind: 'create',
        line: i,
        profile: {
          userId: newId,
          surname: line.surname ?? '',
          otherNames: line.otherNames ?? '',
          email: line.email ?? '',
          daRole: created.daRole as DaRole,
        },
      });
      return;
    }

    if (!userId) return; // a content problem, reported by contentProblems
    if (!profile || !profile.isDa)
      return fail('userId', `no Delegated Administrator ${userId} in this participantship`);
    if (form.requestType === 'CHANGE') {
      profile.email = line.email ?? profile.email;
      changes.push({ kind: 'update', userId, set: { email: profile.email } });
      return;
    }
    if (!sameEmail(line.email, profile.email))
      return fail('email', `the e-mail does not match the one registered for ${userId}`);
    switch (form.requestType) {
      case 'UNLOCK':
        // Unlock resets the OTP device: at next login the DA sets up password and OTP again.
        changes.push({
          kind: 'update',
          userId,
          set: { locked: false, otpEnabled: false, passwordSetupRequired: true },
        });
        break;
      case 'ENABLE':
      case 'DISABLE':
        profile.status = form.requestType === 'ENABLE' ? 'ENABLED' : 'DISABLED';
        changes.push({ kind: 'update', userId, set: { status: profile.status } });
        break;
      case 'DELETE':
        profiles.delete(userId);
        changes.push({ kind: 'delete', userId });
        break;
    }
  });

  const before = countUsers(registry.profiles);
  const after = countUsers([...profiles.values()]);
  if (after.total > registry.maxUsers && after.total > before.total)
    problems.push({
      field: 'lines',
      message: `no free user account: ${after.total} users would exceed the maximum of ${registry.maxUsers} (apply for more with DA4)`,
    });
  if (after.das > MAX_DAS && after.das > before.das)
    problems.push({ field: 'lines', message: `a participantship has at most ${MAX_DAS} Delegated Administrators` });
  for (const role of ['maker', 'checker'] as const) {
    if (after[role] < DA_MINIMUM[role] && after[role] < before[role])
      problems.push({
        field: 'lines',
        message: `the participantship must keep at least ${DA_MINIMUM[role]} enabled DA ${role}${DA_MINIMUM[role] > 1 ? 's' : ''}; this form would leave ${after[role]}`,
      });
  }
  return { problems, changes, quotaIncrease: 0 };
}

/** Does the form name this person (SPEC §1): a line's User ID registered with their e-mail, or their e-mail. */
export function formConcerns(form: FormContent, personEmail: string, registry: RegistrySnapshot): boolean {
  const byId = new Map(registry.profiles.map((p) => [normalizeUserId(p.userId), p.email]));
  return form.lines.some(
    (line) =>
      sameEmail(line.email, personEmail) ||
      (!!line.userId && sameEmail(byId.get(normalizeUserId(line.userId)), personEmail)),
  );
}
