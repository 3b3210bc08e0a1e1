import { Alert, Anchor, Group, Stack, Tabs, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import type { AdminTab } from '../admin-tabs';
import { useT, type MessageId } from '../i18n/i18n';
import { meQuery } from '../queries';
import { AuditLog } from './admin/AuditLog';
import { ClosedDays } from './admin/ClosedDays';
import { Exports } from './admin/Exports';
import { FailedDeliveries } from './admin/FailedDeliveries';
import { UserAdmin } from './admin/UserAdmin';

const adminRoute = getRouteApi('/app/admin');

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
