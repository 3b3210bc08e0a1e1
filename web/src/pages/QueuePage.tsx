import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { listEServices } from '../api/sdk.gen';
import { ArrivalCheck } from '../components/ArrivalCheck';
import { FormList, PAGE_SIZE, type ListPage } from '../components/FormList';
import { toListRow } from '../eservice-rows';
import { useT } from '../i18n/i18n';
import { LIST_REFRESH_MS } from '../queries';

const queueRoute = getRouteApi('/app/queue');

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
