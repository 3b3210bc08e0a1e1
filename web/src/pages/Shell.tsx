import { useEffect, useRef, useState } from 'react';
import { Alert, Anchor, AppShell, Button, Group, Loader, Modal, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, Outlet, useNavigate, useRouterState } from '@tanstack/react-router';
import { logout as endSession } from '../api/sdk.gen';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { useLanguage, useT, type MessageId } from '../i18n/i18n';
import { useShortcuts } from '../keyboard';
import { meQuery } from '../queries';
import { setAccessToken } from '../session';

/** The keyboard's shortcuts as the help (`?`) lists them. */
const KEYS: [string[], MessageId][] = [
  [['j', 'k'], 'keys.move'],
  [['Enter'], 'keys.open'],
  [['x'], 'keys.select'],
  [['/'], 'keys.search'],
  [['c'], 'keys.claim'],
  [['?'], 'keys.help'],
];

/** The frame of every page after login: navigation Tasks / eServices / Registry, the language switch, logout. */
export function Shell() {
  const t = useT();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { setLanguage } = useLanguage();
  const me = useQuery(meQuery);
  // The user's own language, once per session (a later switch is theirs to make).
  const synced = useRef(false);
  useEffect(() => {
    if (me.data && !synced.current) {
      synced.current = true;
      setLanguage(me.data.language);
    }
  }, [me.data, setLanguage]);

  const [help, setHelp] = useState(false);
  useShortcuts({ '?': () => setHelp(true) });

  const logout = async (): Promise<void> => {
    try {
      await endSession();
    } finally {
      setAccessToken(null);
      queryClient.clear();
      await navigate({ to: '/login' });
    }
  };
  const hkex = me.data && me.data.kind !== 'participant';
  // HKEX administrators keep users and the audit, not eServices: the API refuses them the
  // lists, so their console is the administration page alone.
  const administrator = me.data?.kind === 'admin';
  // A participant user without EU_UserMaintenance may not read eServices or the registry (the
  // API refuses them): the console says so instead of showing refused pages.
  const noRights = me.data?.kind === 'participant' && !me.data.rights.includes('EU_UserMaintenance');
  const links = administrator
    ? [{ to: '/admin', label: t('nav.admin') }]
    : noRights
      ? []
      : [
          { to: '/tasks', label: t('nav.tasks') },
          { to: '/eservices', label: t('nav.eservices') },
          ...(hkex ? [{ to: '/queue', label: t('nav.queue') }] : []),
          ...(hkex ? [{ to: '/admin', label: t('nav.admin') }] : [{ to: '/registry', label: t('nav.registry') }]),
        ];
  // The page shown (resolved), not the one being loaded: while /admin loads, the page being
  // left must not render again for an administrator.
  const pathname = useRouterState({ select: (s) => (s.resolvedLocation ?? s.location).pathname });
  const elsewhere = administrator && !pathname.startsWith('/admin') && !pathname.startsWith('/settings');
  useEffect(() => {
    if (elsewhere) void navigate({ to: '/admin', replace: true });
  }, [elsewhere, navigate]);

  return (
    <AppShell header={{ height: 56 }} padding="md">
      <AppShell.Header px="md">
        <Group h="100%" justify="space-between" wrap="nowrap">
          <Group gap="lg" wrap="nowrap">
            <Text fw={700} c="hkex.8">
              {t('app.title')}
            </Text>
            <nav aria-label={t('nav.main')}>
              <Group gap="md">
                {links.map((l) => (
                  <Anchor
                    key={l.to}
                    component={Link}
                    to={l.to}
                    fw={500}
                    activeProps={{ 'aria-current': 'page', style: { textDecoration: 'underline' } }}
                  >
                    {l.label}
                  </Anchor>
                ))}
              </Group>
            </nav>
          </Group>
          <Group gap="sm" wrap="nowrap">
            {me.data && (
              <Text size="sm" data-testid="current-user">
                {me.data.name}
                {me.data.company ? ` · ${me.data.company.name}` : ''}
              </Text>
            )}
            <Anchor
              component={Link}
              to="/settings"
              size="sm"
              activeProps={{ 'aria-current': 'page', style: { textDecoration: 'underline' } }}
            >
              {t('nav.settings')}
            </Anchor>
            <LanguageSwitch />
            <Button variant="default" size="xs" onClick={() => void logout()}>
              {t('nav.logout')}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Main>
        {!me.data || elsewhere ? (
          <Loader aria-label={t('loading')} />
        ) : noRights && !pathname.startsWith('/settings') ? (
          <Stack maw={720}>
            <Title order={1} size="h2">
              {t('noRights.heading')}
            </Title>
            <Alert color="gray" variant="outline">
              {t('noRights.body')}
            </Alert>
          </Stack>
        ) : (
          <Outlet />
        )}
        <Text size="xs" c="dimmed" mt="xl">
          <Anchor component="button" type="button" size="xs" onClick={() => setHelp(true)}>
            {t('keys.hint')}
          </Anchor>
        </Text>
      </AppShell.Main>
      <Modal
        opened={help}
        onClose={() => setHelp(false)}
        title={t('keys.title')}
        centered
        closeButtonProps={{ 'aria-label': t('close') }}
      >
        <Table>
          <Table.Tbody>
            {KEYS.map(([keys, what]) => (
              <Table.Tr key={what}>
                <Table.Td>
                  {keys.map((k) => (
                    <kbd key={k}>{k}</kbd>
                  ))}
                </Table.Td>
                <Table.Td>{t(what)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Modal>
    </AppShell>
  );
}
