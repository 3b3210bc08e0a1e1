import { Badge, Text } from '@mantine/core';
import type { EServiceForm } from '../api/types.gen';
import { useT } from '../i18n/i18n';

/** What the service found when the form arrived at HKEX: pending, passed, or its problems (the queue and the form). */
export function ArrivalCheck({ form }: { form: EServiceForm }) {
  const t = useT();
  const check = form.arrivalCheck as { ok: boolean; problems: { field: string; message: string }[] } | null;
  if (!check)
    return (
      <Text size="sm" c="dimmed">
        {t('form.arrivalCheck.pending')}
      </Text>
    );
  if (check.ok)
    return (
      <Badge color="hkex.9" variant="outline">
        {t('form.arrivalCheck.passed')}
      </Badge>
    );
  return (
    <Text size="sm" c="red.9">
      {check.problems.map((p) => p.message).join('; ')}
    </Text>
  );
}
