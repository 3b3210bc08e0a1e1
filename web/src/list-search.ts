/** Filters, search, sort and paging of the lists, kept in the URL (a reload or a shared link shows the same list). */

export const STATUSES = ['DRAFT', 'READY_TO_SEND', 'SENT_TO_HKEX', 'COMPLETED', 'REJECTED', 'DISCARDED'] as const;
export type Status = (typeof STATUSES)[number];
export const TASK_SORTS = ['lastUpdate', '-lastUpdate', 'referenceNumber', '-referenceNumber'] as const;
export type TaskSort = (typeof TASK_SORTS)[number];

export interface ListSearch {
  q?: string;
  status?: Status;
  page?: number;
}
export interface TasksSearch extends ListSearch {
  sort?: TaskSort;
  /** Only forms Sent to HKEX past their due date (SPEC §13). */
  overdue?: true;
}

export function listSearch(s: Record<string, unknown>): ListSearch {
  const out: ListSearch = {};
  if (typeof s.q === 'string' && s.q.trim()) out.q = s.q.slice(0, 200);
  if (typeof s.status === 'string' && (STATUSES as readonly string[]).includes(s.status))
    out.status = s.status as Status;
  const page = Number(s.page);
  if (Number.isInteger(page) && page > 1) out.page = page;
  return out;
}

export function tasksSearch(s: Record<string, unknown>): TasksSearch {
  const out: TasksSearch = listSearch(s);
  if (typeof s.sort === 'string' && (TASK_SORTS as readonly string[]).includes(s.sort)) out.sort = s.sort as TaskSort;
  if (s.overdue === true || s.overdue === 'true') out.overdue = true;
  return out;
}
