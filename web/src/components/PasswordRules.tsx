import { List, Text, VisuallyHidden } from '@mantine/core';
import { PASSWORD_RULES, type PasswordRule } from '../../../src/auth/password-policy';
import { useT, type MessageId } from '../i18n/i18n';

export type PasswordCheckId = PasswordRule['id'] | 'match';

export interface PasswordCheck {
  id: PasswordCheckId;
  met: boolean;
}

/**
 * Each rule of the exchange's password policy (the service's own module, so the console
 * never disagrees with the check the service makes), and whether the two entries match.
 */
export function passwordChecks(password: string, confirmation: string): PasswordCheck[] {
  return [
    ...PASSWORD_RULES.map((r) => ({ id: r.id, met: r.met(password) })),
    { id: 'match' as const, met: password.length > 0 && password === confirmation },
  ];
}

export const passwordAcceptable = (password: string, confirmation: string): boolean =>
  passwordChecks(password, confirmation).every((c) => c.met);

/** The checklist under the new password: each rule ticks as it is met, for eyes and screen readers alike. */
export function PasswordRules({ password, confirmation }: { password: string; confirmation: string }) {
  const t = useT();
  return (
    <div>
      <Text size="sm" fw={500} id="password-rules-heading">
        {t('password.rules')}
      </Text>
      <List
        size="sm"
        spacing={2}
        listStyleType="none"
        aria-labelledby="password-rules-heading"
        data-testid="password-rules"
      >
        {passwordChecks(password, confirmation).map((c) => (
          <List.Item key={c.id} data-rule={c.id} data-met={c.met}>
            <Text span size="sm" c={c.met ? 'hkex.8' : 'red.8'} aria-hidden>
              {c.met ? '✓ ' : '✗ '}
            </Text>
            <Text span size="sm">
              {t(`password.rule.${c.id}` as MessageId)}
            </Text>
            <VisuallyHidden>{` — ${t(c.met ? 'password.rule.met' : 'password.rule.unmet')}`}</VisuallyHidden>
          </List.Item>
        ))}
      </List>
    </div>
  );
}
