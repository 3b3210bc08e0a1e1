import { Alert, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { previewEService } from '../api/sdk.gen';
import type { EServiceForm } from '../api/types.gen';
import { useT, type MessageId } from '../i18n/i18n';

const TOTALS = [
  ['maxUsers', 'registry.maxUsers'],
  ['totalUsers', 'registry.totalUsers'],
  ['totalDelegatedAdministrators', 'registry.totalDas'],
  ['totalUsersExceptDelegatedAdministrators', 'registry.totalExceptDas'],
] as const;

/**
 * PREVIEW: what submit (or, at HKEX, the completion) would find now, from the service's own
 * rules (GET /eservices/{id}/preview): problems, warnings, and the registry before and after.
 */
export function PreviewPanel({ form }: { form: EServiceForm }) {
  const t = useT();
  const preview = useQuery({
    queryKey: ['preview', form.id, form.version],
    queryFn: async () => (await previewEService({ path: { id: form.id } })).data,
  });
  const p = preview.data;
  if (!p) return null;
  const impact = p.registryImpact;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="preview-title" data-testid="preview">
      <Title order={2} size="h5" id="preview-title" mb="sm" className="section-title">
        {t('form.preview')}
      </Title>
      <Stack gap="sm">
        {p.ready === true && (
          <Text c="hkex.8" fw={600}>
            {t('form.preview.ready')}
          </Text>
        )}
        {p.problems.length > 0 && (
          <Alert color="red" title={t('form.preview.problems')}>
            {p.problems.map((x) => (
              <Text size="sm" key={x.field + x.message}>
                {x.field}: {x.message}
              </Text>
            ))}
          </Alert>
        )}
        {p.warnings.length > 0 && (
          <Alert color="yellow" title={t('form.preview.warnings')}>
            {p.warnings.map((x) => (
              <Text size="sm" key={x.field + x.message}>
                {x.field}: {x.message}
              </Text>
            ))}
          </Alert>
        )}
        <Text fw={600} size="sm">
          {t('form.preview.registry')}
        </Text>
        <Table withTableBorder striped>
          <Table.Tbody>
            {TOTALS.map(([key, label]) => (
              <Table.Tr key={key}>
                <Table.Th scope="row">{t(label as MessageId)}</Table.Th>
                <Table.Td>
                  {impact.before[key]} → {impact.after[key]}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {impact.lines.map((l, i) => (
          <Text size="sm" key={i}>
            {l.assignedUserId ?? l.userId}
            {l.emailBefore !== undefined &&
              l.emailAfter !== undefined &&
              ` · ${l.emailBefore ?? '—'} → ${l.emailAfter ?? '—'}`}
            {l.statusBefore !== undefined &&
              l.statusAfter !== undefined &&
              ` · ${l.statusBefore ?? '—'} → ${l.statusAfter ?? '—'}`}
          </Text>
        ))}
      </Stack>
    </Paper>
  );
}
