import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Alert, Anchor, Badge, Group, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { Link, useNavigate } from '@tanstack/react-router';
import { DataTable, type DataTableColumn, type DataTableProps, type DataTableSortStatus } from 'mantine-datatable';
import type { CountsByStatus } from '../api/types.gen';
import { formatHkt, formatHktDate } from '../hkt';
import { useT, type MessageId } from '../i18n/i18n';
import { useShortcuts } from '../keyboard';
import { STATUSES, type ListSearch, type Status } from '../list-search';

/** One row of a list, whether it came from /tasks or /eservices. */
export interface ListRow {
  id: string;
  classification: string;
  company: string;
  participantId: string;
  clearingHouse: string;
  formType: 'DA3' | 'DA4';
  referenceNumber: string | null;
  lastUpdate: string;
  status: Status;
  /** Sent to HKEX: 18:00 HKT of the Nth business day after (SPEC §13); null otherwise. */
  dueAt: string | null;
  overdue: boolean;
  extra?: ReactNode;
}

export interface ListPage {
  items: ListRow[];
  total: number;
  totalExact: boolean;
  countsByStatus: CountsByStatus;
}

export const PAGE_SIZE = 20;

/**
 * The tasks and eServices tables with the seeds' columns, a search box, the status filter with
 * its counts, sort and paging, all in the URL; says when rows arrived since the last look.
 */
export function FormList(props: {
  heading: MessageId;
  search: ListSearch & { sort?: string };
  setSearch: (next: ListSearch & { sort?: string }) => void;
  data: ListPage | undefined;
  fetching: boolean;
  error: unknown;
  updatedAt: number;
  sortable?: boolean;
  /** The "Due" column (tasks and the HKEX queue, where a due date is what one works by). */
  showDue?: boolean;
  /** Rows with a checkbox, for the bulk actions above the table. */
  selection?: { selected: ListRow[]; onChange: (rows: ListRow[]) => void };
  /** Filters beside the search box and the status (the tasks' "Overdue only"). */
  filters?: ReactNode;
  /** Above the table, under the filters (the bulk actions bar). */
  toolbar?: ReactNode;
  actions?: ReactNode;
  extraColumn?: { title: string; render: (row: ListRow) => ReactNode };
}) {
  const t = useT();
  const { search, setSearch, data } = props;
  const [q, setQ] = useState(search.q ?? '');
  useEffect(() => setQ(search.q ?? ''), [search.q]);
  const applyQ = useDebouncedCallback(
    (value: string) => setSearch({ ...search, q: value.trim() || undefined, page: undefined }),
    400,
  );

  // Rows that were not there at the previous refresh of the same list: "N new items arrived".
  const seen = useRef<{ key: string; ids: Set<string> } | null>(null);
  const [arrived, setArrived] = useState(0);
  const listKey = JSON.stringify(search);
  useEffect(() => {
    if (!data) return;
    const ids = new Set(data.items.map((r) => r.id));
    if (seen.current?.key === listKey) {
      const fresh = [...ids].filter((id) => !seen.current!.ids.has(id)).length;
      if (fresh) setArrived((n) => n + fresh);
    } else setArrived(0);
    seen.current = { key: listKey, ids };
  }, [data, listKey]);

  // The keyboard's current row (j/k), opened with Enter, selected with x; / goes to the search.
  const navigate = useNavigate();
  const searchBox = useRef<HTMLInputElement>(null);
  const [cursor, setCursor] = useState(-1);
  const rows = data?.items ?? [];
  useEffect(() => setCursor(-1), [listKey]);
  const current = cursor >= 0 && cursor < rows.length ? rows[cursor] : undefined;
  useShortcuts({
    j: () => setCursor((c) => Math.min(c + 1, rows.length - 1)),
    k: () => setCursor((c) => Math.max(c - 1, 0)),
    Enter: () => current && void navigate({ to: '/eservices/$id', params: { id: current.id } }),
    x: () => {
      const selection = props.selection;
      if (!current || !selection) return;
      const on = selection.selected.some((r) => r.id === current.id);
      selection.onChange(on ? selection.selected.filter((r) => r.id !== current.id) : [...selection.selected, current]);
    },
    '/': () => searchBox.current?.focus(),
  });

  const counts = data?.countsByStatus ?? {};
  const countText = (c: { count: number; exact: boolean } | undefined): string =>
    c ? `${c.count.toLocaleString()}${c.exact ? '' : '+'}` : '0';
  const all = Object.values(counts).reduce((n, c) => n + (c?.count ?? 0), 0);
  const statusOptions = [
    { value: '', label: t('list.status.all', { count: String(all) }) },
    ...STATUSES.filter((s) => counts[s]).map((s) => ({
      value: s,
      label: t('list.status.option', { label: t(`status.${s}`), count: countText(counts[s]) }),
    })),
  ];

  const columns: DataTableColumn<ListRow>[] = [
    { accessor: 'classification', title: t('col.classification'), render: () => t('classification') },
    { accessor: 'company', title: t('col.company') },
    { accessor: 'participantId', title: t('col.participantId') },
    {
      accessor: 'referenceNumber',
      title: t('col.details'),
      sortable: props.sortable,
      render: (row) => (
        <Anchor component={Link} to={`/eservices/${row.id}`} data-testid="form-link">
          {`${row.referenceNumber ?? row.formType} - ${t(`form.${row.formType}.title`)}`}
        </Anchor>
      ),
    },
    {
      accessor: 'lastUpdate',
      title: t('col.lastUpdate'),
      sortable: props.sortable,
      render: (row) => <span title={formatHkt(row.lastUpdate)}>{formatHktDate(row.lastUpdate)}</span>,
    },
    { accessor: 'status', title: t('col.jobStatus'), render: (row) => t(`status.${row.status}`) },
    ...(props.showDue
      ? [
          {
            accessor: 'dueAt',
            title: t('col.due'),
            render: (row: ListRow) => <DueDate dueAt={row.dueAt} overdue={row.overdue} />,
          } as DataTableColumn<ListRow>,
        ]
      : []),
    ...(props.extraColumn
      ? [
          {
            accessor: 'extra',
            title: props.extraColumn.title,
            render: props.extraColumn.render,
          } as DataTableColumn<ListRow>,
        ]
      : []),
  ];
  const sort = search.sort ?? '-lastUpdate';
  const sortStatus: DataTableSortStatus<ListRow> = {
    columnAccessor: sort.replace('-', ''),
    direction: sort.startsWith('-') ? 'desc' : 'asc',
  };

  const tableProps = {
    withTableBorder: true,
    striped: true,
    highlightOnHover: true,
    minHeight: 160,
    records: data?.items ?? [],
    columns,
    fetching: props.fetching && !data,
    noRecordsText: t('list.empty'),
    rowClassName: (row: ListRow) => (row.id === current?.id ? 'row-current' : undefined),
    customRowAttributes: (row: ListRow) => (row.id === current?.id ? { 'aria-current': 'true' } : {}),
    totalRecords: data?.total ?? 0,
    recordsPerPage: PAGE_SIZE,
    page: search.page ?? 1,
    onPageChange: (page: number) => setSearch({ ...search, page: page > 1 ? page : undefined }),
    paginationText: ({ from, to, totalRecords }: { from: number; to: number; totalRecords: number }) =>
      `${from}–${to} / ${totalRecords.toLocaleString()}`,
    ...(props.sortable
      ? {
          sortStatus,
          onSortStatusChange: (s: DataTableSortStatus<ListRow>) =>
            setSearch({
              ...search,
              sort: `${s.direction === 'desc' ? '-' : ''}${String(s.columnAccessor)}`,
              page: undefined,
            }),
        }
      : {}),
    ...(props.selection
      ? {
          selectedRecords: props.selection.selected,
          onSelectedRecordsChange: props.selection.onChange,
          getRecordSelectionCheckboxProps: (row: ListRow) => ({
            'aria-label': t('bulk.select', { form: row.referenceNumber ?? row.formType }),
          }),
          allRecordsSelectionCheckboxProps: { 'aria-label': t('bulk.selectAll') },
        }
      : {}),
  } as DataTableProps<ListRow>;

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          {t(props.heading)}
        </Title>
        {props.actions}
      </Group>
      <Group align="end">
        <TextInput
          ref={searchBox}
          label={t('list.search')}
          placeholder={t('list.search.placeholder')}
          type="search"
          w={320}
          value={q}
          onChange={(e) => {
            setQ(e.currentTarget.value);
            applyQ(e.currentTarget.value);
          }}
        />
        <Select
          label={t('list.status')}
          data={statusOptions}
          value={search.status ?? ''}
          allowDeselect={false}
          w={280}
          onChange={(v) => setSearch({ ...search, status: (v || undefined) as Status | undefined, page: undefined })}
        />
        {props.filters}
        <Text size="sm" c="dimmed" aria-live="polite">
          {data && t('list.total', { total: `${data.total.toLocaleString()}${data.totalExact ? '' : '+'}` })}
          {props.updatedAt > 0 && ` · ${t('list.refreshed', { time: formatHkt(new Date(props.updatedAt)) })}`}
        </Text>
        {arrived > 0 && (
          <Badge color="hkex.9" variant="outline" role="status" onClick={() => setArrived(0)}>
            {t('list.newArrived', { count: arrived })}
          </Badge>
        )}
      </Group>
      {props.error != null && (
        <Alert color="red" role="alert">
          {t('error.generic', { detail: props.error instanceof Error ? props.error.message : String(props.error) })}
        </Alert>
      )}
      {props.toolbar}
      <DataTable<ListRow> {...tableProps} />
    </Stack>
  );
}

/** `09-Dec-2026 18:00 HKT`, and "Overdue" when it has passed. */
export function DueDate({ dueAt, overdue }: { dueAt: string | null; overdue: boolean }) {
  const t = useT();
  if (!dueAt) return null;
  return (
    <Group gap={6} wrap="nowrap">
      <span>{formatHkt(dueAt)}</span>
      {overdue && (
        <Badge color="red.9" variant="filled" size="sm" data-testid="overdue">
          {t('due.overdue')}
        </Badge>
      )}
    </Group>
  );
}
