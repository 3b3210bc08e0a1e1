import { queryOptions } from '@tanstack/react-query';
import { getMe } from './api/sdk.gen';

/** The logged-in user (GET /api/v1/me). */
export const meQuery = queryOptions({
  queryKey: ['me'],
  queryFn: async () => (await getMe()).data,
  staleTime: 60_000,
});

/** The lists are refreshed about every 15 s while the tab is visible (TanStack Query pauses in the background). */
export const LIST_REFRESH_MS = 15_000;

/** One form (GET /api/v1/eservices/{id}): the page reads it, and the editor and actions invalidate it. */
export const formQueryKey = (id: string) => ['form', id] as const;
