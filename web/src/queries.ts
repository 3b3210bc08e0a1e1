import { queryOptions } from '@tanstack/react-query';
import { getMe } from './api/sdk.gen';

/** The logged-in user (GET /api/v1/me). */
export const meQuery = queryOptions({
  queryKey: ['me'],
  queryFn: async () => (await getMe()).data,
  staleTime: 60_000,
});
