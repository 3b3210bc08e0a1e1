import { Badge, Group, Stack, Text, Title } from '@mantine/core';
import type { EServiceForm } from '../api/types.gen';
import { formatAge, formatHkt } from '../hkt';
import { useLanguage, useT, type MessageId } from '../i18n/i18n';

/** The top of a form, read or being edited: its title, reference number, status line, due date and completion request. */
export function FormHeader({
  form,
}: {
  form: Pick<EServiceForm, 'formType' | 'referenceNumber'> & Partial<EServiceForm>;
}) {
  const t = useT();
  const { language } = useLanguage();
  // Beside the seeds' absolute time, how long ago (the claim's, or the last change's).
  const since = form.claimedBy?.at ?? form.updatedAt;
  const statusLine = !form.status
    ? ''
    : form.claimedBy
      ? t('form.claimedBy', { name: form.claimedBy.name, time: formatHkt(form.claimedBy.at) })
      : `${formatHkt(form.updatedAt!)} ${t(`status.${form.status}` as MessageId)}`;
  return (
    <Stack gap={4}>
      <Title order={1} size="h3">
        {`${form.formType === 'DA3' ? 'DA 3' : 'DA 4'} ${t(`form.${form.formType}.title`).toUpperCase()}`}
      </Title>
      <Text data-testid="reference-number">{t('form.reference', { ref: form.referenceNumber ?? '' })}</Text>
      <Group gap="xs" align="baseline">
        <Text data-testid="status-line" fw={600}>
          {t('form.status', { line: statusLine })}
        </Text>
        {form.status && since && (
          <Text size="sm" c="dimmed" data-testid="status-age">
            ({formatAge(since, new Date(), language)})
          </Text>
        )}
      </Group>
      {form.dueAt && (
        <Group gap={6} data-testid="due-line">
          <Text size="sm">{t('form.due', { time: formatHkt(form.dueAt) })}</Text>
          {form.overdue && (
            <Badge color="red.9" variant="filled" size="sm">
              {t('due.overdue')}
            </Badge>
          )}
        </Group>
      )}
      {form.completionRequested && (
        <Badge color="blue.9" variant="outline" size="lg" w="fit-content" data-testid="completion-requested">
          {t('form.completionRequested', {
            name: form.completionRequested.name,
            time: formatHkt(form.completionRequested.at),
          })}
        </Badge>
      )}
    </Stack>
  );
}
