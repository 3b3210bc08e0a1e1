import { useState, type FormEvent, type ReactNode } from 'react';
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Paper,
  Select,
  Stack,
  Table,
  Tabs,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import {
  exportAudit,
  exportBilling,
  listAuditEvents,
  listClosedDays,
  listDeliveries,
  markClosedDay,
  resetUserOtp,
  retryDelivery,
  unlockUser,
} from '../api/sdk.gen';
import type { AuditEventName } from '../api/types.gen';
import { ApiProblem } from '../api-client';
import { saveDownload } from '../download';
import { formatHkt } from '../hkt';
import { useT, type MessageId } from '../i18n/i18n';
import { meQuery } from '../queries';
import { adminRoute, type AdminTab } from '../router';

/** The bull-board dashboard of the queues (HTTP Basic: username, and the password followed by the app's code). */
const QUEUE_DASHBOARD = '/api/admin/queues';

/**
 * HKEX staff's page: failed e-mails with retry, closed days, the CSV exports, the security
 * audit log, and for administrators unlocking a user and resetting an OTP device. Each tab
 * is in the URL (`/admin?tab=closed-days`).
 */
export function AdminPage() {
  const t = useT();
  const { tab = 'deliveries' } = adminRoute.useSearch();
  const navigate = useNavigate({ from: '/admin' });
  const me = useQuery(meQuery);
  if (me.data?.kind === 'participant') return <Alert color="red">{t('admin.staffOnly')}</Alert>;
  const administrator = me.data?.kind === 'admin';
  const tabs: [AdminTab, MessageId][] = [
    ['deliveries', 'admin.tab.deliveries'],
    ['closed-days', 'admin.tab.closedDays'],
    ['exports', 'admin.tab.exports'],
    ['audit', 'admin.tab.audit'],
    ...(administrator ? [['users', 'admin.tab.users'] as [AdminTab, MessageId]] : []),
  ];
  return (
    <Stack maw={1200}>
      <Group justify="space-between">
        <Title order={1} size="h2">
          {t('admin.heading')}
        </Title>
        <Anchor href={QUEUE_DASHBOARD} target="_blank" rel="noopener">
          {t('admin.queueDashboard')}
        </Anchor>
      </Group>
      <Tabs
        value={tab}
        onChange={(v) => v && void navigate({ search: v === 'deliveries' ? {} : { tab: v as AdminTab } })}
        keepMounted={false}
      >
        <Tabs.List>
          {tabs.map(([value, label]) => (
            <Tabs.Tab key={value} value={value}>
              {t(label)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="deliveries" pt="md">
          <FailedDeliveries />
        </Tabs.Panel>
        <Tabs.Panel value="closed-days" pt="md">
          <ClosedDays />
        </Tabs.Panel>
        <Tabs.Panel value="exports" pt="md">
          <Exports />
        </Tabs.Panel>
        <Tabs.Panel value="audit" pt="md">
          <AuditLog />
        </Tabs.Panel>
        {administrator && (
          <Tabs.Panel value="users" pt="md">
            <UserAdmin />
          </Tabs.Panel>
        )}
      </Tabs>
    </Stack>
  );
}

/** What a refusal says, for an alert. */
const problemText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

function Outcome({ ok, error }: { ok: ReactNode; error: unknown }) {
  if (error)
    return (
      <Alert color="red" role="alert">
        {problemText(error)}
      </Alert>
    );
  if (ok)
    return (
      <Alert color="green" role="status">
        {ok}
      </Alert>
    );
  return null;
}

/** E-mails that gave up after their retries (SPEC §6), each queued again by hand. */
function FailedDeliveries() {
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

/** Days HKEX closed (typhoon signal No. 8, black rainstorm): the due dates of open forms move (SPEC §13). */
function ClosedDays() {
  const t = useT();
  const queryClient = useQueryClient();
  const [date, setDate] = useState('');
  const [reason, setReason] = useState('');
  const [marked, setMarked] = useState<string | null>(null);
  const days = useQuery({
    queryKey: ['closed-days'],
    queryFn: async () => (await listClosedDays()).data,
  });
  const mark = useMutation({
    mutationFn: async () => (await markClosedDay({ body: { date, reason: reason.trim() } })).data,
    onSuccess: async (day) => {
      setMarked(
        day.businessDay
          ? t('admin.closed.marked', { date: day.date, moved: day.formsMoved })
          : t('admin.closed.markedHoliday', { date: day.date }),
      );
      setDate('');
      setReason('');
      await queryClient.invalidateQueries({ queryKey: ['closed-days'] });
      await queryClient.invalidateQueries({ queryKey: ['tasks'] });
      await queryClient.invalidateQueries({ queryKey: ['queue'] });
    },
  });
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    setMarked(null);
    mark.mutate();
  };
  return (
    <Stack>
      <Paper withBorder p="md" component="form" onSubmit={submit} aria-label={t('admin.closed.mark')}>
        <Group align="end">
          <TextInput
            type="date"
            label={t('admin.closed.date')}
            required
            value={date}
            onChange={(e) => setDate(e.currentTarget.value)}
          />
          <TextInput
            label={t('admin.closed.reason')}
            placeholder={t('admin.closed.reasonExample')}
            required
            maxLength={500}
            w={360}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
          />
          <Button type="submit" loading={mark.isPending} disabled={!date || !reason.trim()}>
            {t('admin.closed.mark')}
          </Button>
        </Group>
      </Paper>
      <Outcome ok={marked} error={mark.error} />
      <Table striped withTableBorder aria-label={t('admin.tab.closedDays')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('admin.closed.date')}</Table.Th>
            <Table.Th>{t('admin.closed.reason')}</Table.Th>
            <Table.Th>{t('admin.closed.by')}</Table.Th>
            <Table.Th>{t('admin.closed.at')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(days.data ?? []).map((d) => (
            <Table.Tr key={d.date}>
              <Table.Td>
                {d.date}{' '}
                {!d.businessDay && (
                  <Badge size="xs" variant="outline" color="gray.7">
                    {t('admin.closed.holiday')}
                  </Badge>
                )}
              </Table.Td>
              <Table.Td>{d.reason}</Table.Td>
              <Table.Td>{d.closedBy}</Table.Td>
              <Table.Td>{formatHkt(d.closedAt)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {days.data?.length === 0 && <Text c="dimmed">{t('admin.closed.none')}</Text>}
    </Stack>
  );
}

/** Billing (completed DA4s) and audit (workflow and security events) as CSV, for Hong Kong days from–to. */
function Exports() {
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

/** The events of the audit log filter, as the API's contract names them (a new one fails the type check here). */
const AUDIT_EVENTS = [
  'login_ok',
  'login_failed',
  'otp_failed',
  'locked',
  'unlocked',
  'logout',
  'password_changed',
  'password_reset',
  'otp_reset',
  'otp_enrolled',
  'otp_channel_email',
  'refresh_token_reused',
] as const satisfies readonly AuditEventName[];
const everyAuditEvent: Exclude<AuditEventName, (typeof AUDIT_EVENTS)[number]> extends never ? true : never = true;
void everyAuditEvent;
const AUDIT_PAGE = 50;

/** Security events (logins, locks, resets), newest first, by user and event. */
function AuditLog() {
  const t = useT();
  const [username, setUsername] = useState('');
  const [event, setEvent] = useState<AuditEventName | null>(null);
  const [page, setPage] = useState(1);
  const log = useQuery({
    queryKey: ['audit', username.trim(), event, page],
    queryFn: async () =>
      (
        await listAuditEvents({
          query: {
            ...(username.trim() ? { username: username.trim() } : {}),
            ...(event ? { event } : {}),
            page,
            pageSize: AUDIT_PAGE,
          },
        })
      ).data,
    placeholderData: keepPreviousData,
  });
  const pages = Math.max(1, Math.ceil((log.data?.total ?? 0) / AUDIT_PAGE));
  return (
    <Stack>
      <Group align="end">
        <TextInput
          label={t('admin.audit.username')}
          w={280}
          value={username}
          onChange={(e) => {
            setUsername(e.currentTarget.value);
            setPage(1);
          }}
        />
        <Select
          label={t('admin.audit.event')}
          clearable
          w={240}
          data={AUDIT_EVENTS}
          value={event}
          onChange={(v) => {
            setEvent(v as AuditEventName | null);
            setPage(1);
          }}
        />
        <Text size="sm" c="dimmed" aria-live="polite">
          {log.data && t('list.total', { total: log.data.total.toLocaleString() })}
        </Text>
      </Group>
      {log.error && <Alert color="red">{problemText(log.error)}</Alert>}
      <Table striped withTableBorder aria-label={t('admin.tab.audit')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('admin.audit.at')}</Table.Th>
            <Table.Th>{t('admin.audit.event')}</Table.Th>
            <Table.Th>{t('admin.audit.username')}</Table.Th>
            <Table.Th>{t('admin.audit.ip')}</Table.Th>
            <Table.Th>{t('admin.audit.detail')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(log.data?.items ?? []).map((e) => (
            <Table.Tr key={e.id}>
              <Table.Td>{formatHkt(e.at)}</Table.Td>
              <Table.Td>{e.event}</Table.Td>
              <Table.Td>{e.username}</Table.Td>
              <Table.Td>{e.ip}</Table.Td>
              <Table.Td>{e.detail}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group>
        <Button size="xs" variant="default" disabled={page <= 1} onClick={() => setPage(page - 1)}>
          {t('admin.audit.newer')}
        </Button>
        <Text size="sm">{t('admin.audit.page', { page, pages })}</Text>
        <Button size="xs" variant="default" disabled={page >= pages} onClick={() => setPage(page + 1)}>
          {t('admin.audit.older')}
        </Button>
      </Group>
    </Stack>
  );
}

/** Administrators: unlock a login locked after failed attempts; reset a user's authenticator registration. */
function UserAdmin() {
  const t = useT();
  const [username, setUsername] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const act = useMutation({
    mutationFn: async (what: 'unlock' | 'otp-reset') => {
      const path = { username: username.trim() };
      if (what === 'unlock') await unlockUser({ path });
      else await resetUserOtp({ path });
      return what;
    },
    onSuccess: (what) =>
      setDone(t(what === 'unlock' ? 'admin.users.unlocked' : 'admin.users.otpReset', { username: username.trim() })),
  });
  const press = (what: 'unlock' | 'otp-reset'): void => {
    setDone(null);
    act.mutate(what);
  };
  return (
    <Stack maw={640}>
      <Paper withBorder p="md" component="form" onSubmit={(e: FormEvent) => e.preventDefault()}>
        <Stack>
          <TextInput
            label={t('admin.users.username')}
            description={t('admin.users.about')}
            required
            value={username}
            onChange={(e) => setUsername(e.currentTarget.value)}
          />
          <Group>
            <Button
              disabled={!username.trim()}
              loading={act.isPending && act.variables === 'unlock'}
              onClick={() => press('unlock')}
            >
              {t('admin.users.unlock')}
            </Button>
            <Button
              variant="outline"
              disabled={!username.trim()}
              loading={act.isPending && act.variables === 'otp-reset'}
              onClick={() => press('otp-reset')}
            >
              {t('admin.users.resetOtp')}
            </Button>
          </Group>
        </Stack>
      </Paper>
      <Outcome
        ok={done}
        error={act.error instanceof ApiProblem && act.error.status === 404 ? t('admin.users.unknown') : act.error}
      />
    </Stack>
  );
}
