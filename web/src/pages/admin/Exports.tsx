import { useState, type FormEvent } from 'react';
import { Button, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { exportAudit, exportBilling } from '../../api/sdk.gen';
import { saveDownload } from '../../download';
import { useT, type MessageId } from '../../i18n/i18n';
import { Outcome } from './outcome';

/** Billing (completed DA4s) and audit (workflow and security events) as CSV, for Hong Kong days from–to. */
export function Exports() {
  return (
    <Stack>
      <ExportForm
        kind="billing"
        download={(query) => saveDownload(exportBilling({ query, parseAs: 'blob' }), 'billing.csv')}
      />
      <ExportForm
        kind="audit"
        download={(query) => saveDownload(exportAudit({ query, parseAs: 'blob' }), 'audit.csv')}
      />
    </Stack>
  );
}

function ExportForm(props: {
  kind: 'billing' | 'audit';
  download: (query: { from?: string; to?: string }) => Promise<string>;
}) {
  const t = useT();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const run = useMutation({
    mutationFn: () => props.download({ ...(from ? { from } : {}), ...(to ? { to } : {}) }),
  });
  return (
    <Paper
      withBorder
      p="md"
      component="form"
      aria-labelledby={`export-${props.kind}`}
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        run.mutate();
      }}
    >
      <Title order={2} size="h5" id={`export-${props.kind}`} mb={4}>
        {t(`admin.export.${props.kind}` as MessageId)}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t(`admin.export.${props.kind}.about` as MessageId)}
      </Text>
      <Group align="end">
        <TextInput
          type="date"
          label={t('admin.export.from')}
          value={from}
          onChange={(e) => setFrom(e.currentTarget.value)}
        />
        <TextInput type="date" label={t('admin.export.to')} value={to} onChange={(e) => setTo(e.currentTarget.value)} />
        <Button type="submit" loading={run.isPending}>
          {t('admin.export.download')}
        </Button>
      </Group>
      {(run.data || run.error) && (
        <Stack mt="sm">
          <Outcome ok={run.data && t('admin.export.saved', { file: run.data })} error={run.error} />
        </Stack>
      )}
    </Paper>
  );
}
