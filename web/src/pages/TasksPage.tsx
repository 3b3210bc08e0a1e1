import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { listTasks } from '../api/sdk.gen';
import { FormList, PAGE_SIZE, type ListPage } from '../components/FormList';
import { tasksRoute } from '../router';
import { tasksSearch, type Status } from '../list-search';

/** Refreshed about every 15 s while the tab is visible (TanStack Query pauses in the background). */
export const LIST_REFRESH_MS = 15_000;

/** What waits for the user (GET /api/v1/tasks). */
export function TasksPage() {
  const search = tasksRoute.useSearch();
  const navigate = useNavigate({ from: '/tasks' });
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
  return (
    <FormList
      heading="tasks.heading"
      search={search}
      setSearch={(next) => void navigate({ search: tasksSearch(next as Record<string, unknown>) })}
      data={query.data}
      fetching={query.isFetching}
      error={query.error}
      updatedAt={query.dataUpdatedAt}
      sortable
    />
  );
}
