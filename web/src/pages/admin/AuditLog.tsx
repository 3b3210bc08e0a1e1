import { useState } from 'react';
import { Alert, Button, Group, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { listAuditEvents } from '../../api/sdk.gen';
import type { AuditEventName } from '../../api/types.gen';
import { formatHkt } from '../../hkt';
import { useT } from '../../i18n/i18n';
import { problemText } from './outcome';

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
export function AuditLog() {
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
