import { Badge, Text } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { listEServices } from '../api/sdk.gen';
import type { EServiceForm } from '../api/types.gen';
import { FormList, PAGE_SIZE, type ListPage } from '../components/FormList';
import { toListRow } from '../eservice-rows';
import { useT } from '../i18n/i18n';
import { queueRoute } from '../router';
import { LIST_REFRESH_MS } from './TasksPage';

/** The HKEX operator's queue: forms Sent to HKEX with each one's arrival check. */
export function QueuePage() {
  const t = useT();
  const search = queueRoute.useSearch();
  const navigate = useNavigate({ from: '/queue' });
  const query = useQuery({
    queryKey: ['queue', search],
    queryFn: async (): Promise<ListPage> => {
      const page = (await listEServices({ query: { ...search, status: 'SENT_TO_HKEX', pageSize: PAGE_SIZE } })).data;
      return { ...page, items: page.items.map((f) => ({ ...toListRow(f), extra: <ArrivalCheck form={f} /> })) };
    },
    placeholderData: keepPreviousData,
    refetchInterval: LIST_REFRESH_MS,
  });
  return (
    <FormList
      heading="queue.heading"
      search={{ ...search, status: undefined }}
      setSearch={(next) => void navigate({ search: { ...next, status: undefined } })}
      data={query.data}
      fetching={query.isFetching}
      error={query.error}
      updatedAt={query.dataUpdatedAt}
      showDue
      extraColumn={{ title: t('queue.arrival'), render: (row) => row.extra }}
    />
  );
}

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
