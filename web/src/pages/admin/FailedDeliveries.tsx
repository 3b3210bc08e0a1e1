import { useState } from 'react';
import { Alert, Anchor, Button, Stack, Table, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { listDeliveries, retryDelivery } from '../../api/sdk.gen';
import { useT } from '../../i18n/i18n';
import { Outcome, problemText } from './outcome';

/** E-mails that gave up after their retries (SPEC §6), each queued again by hand. */
export function FailedDeliveries() {
  const t = useT();
  const queryClient = useQueryClient();
  const [retried, setRetried] = useState<string | null>(null);
  const failed = useQuery({
    queryKey: ['deliveries', 'FAILED'],
    queryFn: async () => (await listDeliveries({ query: { status: 'FAILED', pageSize: 200 } })).data,
    refetchInterval: 15_000,
  });
  const retry = useMutation({
    mutationFn: async (id: string) => (await retryDelivery({ path: { id } })).data,
    onSuccess: async (d) => {
      setRetried(t('admin.deliveries.retried', { email: d.recipientEmail }));
      await queryClient.invalidateQueries({ queryKey: ['deliveries'] });
    },
  });
  const items = failed.data?.items ?? [];
  return (
    <Stack>
      <Text size="sm" c="dimmed">
        {t('admin.deliveries.intro')}
      </Text>
      <Outcome ok={retried} error={retry.error} />
      {failed.error && <Alert color="red">{problemText(failed.error)}</Alert>}
      {failed.data && items.length === 0 ? (
        <Text role="status">{t('admin.deliveries.none')}</Text>
      ) : (
        <Table striped withTableBorder aria-label={t('admin.tab.deliveries')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('admin.deliveries.event')}</Table.Th>
              <Table.Th>{t('admin.deliveries.recipient')}</Table.Th>
              <Table.Th>{t('admin.deliveries.attempts')}</Table.Th>
              <Table.Th>{t('admin.deliveries.error')}</Table.Th>
              <Table.Th>{t('admin.deliveries.form')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((d) => (
              <Table.Tr key={d.id}>
                <Table.Td>{d.event}</Table.Td>
                <Table.Td>{d.recipientEmail}</Table.Td>
                <Table.Td>{d.attempts}</Table.Td>
                <Table.Td>{d.lastError}</Table.Td>
                <Table.Td>
                  <Anchor component={Link} to={`/eservices/${d.formId}`}>
                    {t('admin.deliveries.open')}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  <Button
                    size="xs"
                    loading={retry.isPending && retry.variables === d.id}
                    onClick={() => {
                      setRetried(null);
                      retry.mutate(d.id);
                    }}
                    aria-label={t('admin.deliveries.retryOne', { email: d.recipientEmail })}
                  >
                    {t('admin.deliveries.retry')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
