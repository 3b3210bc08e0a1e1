import { useState } from 'react';
import { Checkbox } from '@mantine/core';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { listTasks } from '../api/sdk.gen';
import { BulkActions } from '../components/BulkActions';
import { FormList, PAGE_SIZE, type ListPage, type ListRow } from '../components/FormList';
import { useT } from '../i18n/i18n';
import { LIST_REFRESH_MS, meQuery } from '../queries';
import { tasksSearch, type Status } from '../list-search';

const tasksRoute = getRouteApi('/app/tasks');

/** What waits for the user (GET /api/v1/tasks), with the bulk actions of checkers and HKEX operators. */
export function TasksPage() {
  const t = useT();
  const search = tasksRoute.useSearch();
  const navigate = useNavigate({ from: '/tasks' });
  const queryClient = useQueryClient();
  const me = useQuery(meQuery);
  const [selected, setSelected] = useState<ListRow[]>([]);
  const query = useQuery({
    queryKey: ['tasks', search],
    queryFn: async (): Promise<ListPage> => {
      const page = (await listTasks({ query: { ...search, pageSize: PAGE_SIZE } })).data;
      return {
        ...page,
        items: page.items.map((r) => ({
          ...r,
          formType: r.formType as 'DA3' | 'DA4',
          status: r.status as Status,
        })),
      };
    },
    placeholderData: keepPreviousData,
    refetchInterval: LIST_REFRESH_MS,
  });
  const who =
    me.data?.kind === 'operator'
      ? 'operator'
      : me.data?.kind === 'participant' && me.data.rights.includes('EU_UserMaintenance')
        ? 'checker'
        : null;
  // A row that left the page (acted on, or another page) is no longer selected.
  const onPage = new Set(query.data?.items.map((r) => r.id));
  const selectedOnPage = selected.filter((r) => onPage.has(r.id));
  const setSearch = (next: object): void => {
    setSelected([]);
    void navigate({ search: tasksSearch(next as Record<string, unknown>) });
  };
  return (
    <FormList
      heading="tasks.heading"
      search={search}
      setSearch={setSearch}
      data={query.data}
      fetching={query.isFetching}
      error={query.error}
      updatedAt={query.dataUpdatedAt}
      sortable
      showDue
      filters={
        <Checkbox
          label={t('tasks.overdueOnly')}
          checked={search.overdue === true}
          onChange={(e) => setSearch({ ...search, overdue: e.currentTarget.checked || undefined, page: undefined })}
          mb={8}
        />
      }
      selection={who ? { selected: selectedOnPage, onChange: setSelected } : undefined}
      toolbar={
        who && (
          <BulkActions
            who={who}
            selected={selectedOnPage}
            onDone={() => {
              setSelected([]);
              void queryClient.invalidateQueries({ queryKey: ['tasks'] });
              void queryClient.invalidateQueries({ queryKey: ['eservices'] });
              void queryClient.invalidateQueries({ queryKey: ['form'] });
            }}
          />
        )
      }
    />
  );
}
