import { Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { listUserProfiles } from '../api/sdk.gen';
import type { ParticipantshipRef } from '../api/types.gen';
import { useT } from '../i18n/i18n';
import { meQuery } from '../queries';

/** A profile of the DMS listing. (The OpenAPI document names two schemas ProfileView; this is the registry's.) */
interface RegistryProfile {
  userId: string;
  surname: string;
  otherNames: string;
  email: string;
  isDa: boolean;
  daRole: 'maker' | 'checker' | null;
  status: 'ENABLED' | 'DISABLED';
  locked: boolean;
}

/** The DMS "User Profile Listing" of each participantship of the user's company, with its four totals. */
export function RegistryPage() {
  const t = useT();
  const me = useQuery(meQuery);
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('registry.heading')}
      </Title>
      {me.data?.participantships.map((p) => (
        <Listing key={`${p.clearingHouse}-${p.participantId}`} p={p} />
      ))}
    </Stack>
  );
}

function Listing({ p }: { p: ParticipantshipRef }) {
  const t = useT();
  const listing = useQuery({
    queryKey: ['registry', p.clearingHouse, p.participantId],
    queryFn: async () =>
      (await listUserProfiles({ path: { clearingHouse: p.clearingHouse, participantId: p.participantId } })).data,
  });
  const totals = listing.data?.totals;
  const profiles = (listing.data?.profiles ?? []) as unknown as RegistryProfile[];
  return (
    <Paper withBorder p="md" component="section" aria-label={`${p.clearingHouse} ${p.participantId}`}>
      <Title order={2} size="h4" mb="sm">
        {p.clearingHouse} {p.participantId}
      </Title>
      {totals && (
        <SimpleGrid cols={{ base: 2, md: 4 }} mb="sm">
          {(
            [
              ['registry.maxUsers', totals.maxUsers],
              ['registry.totalUsers', totals.totalUsers],
              ['registry.totalDas', totals.totalDelegatedAdministrators],
              ['registry.totalExceptDas', totals.totalUsersExceptDelegatedAdministrators],
            ] as const
          ).map(([label, value]) => (
            <div key={label}>
              <Text size="xs" c="dimmed">
                {t(label)}
              </Text>
              <Text fw={700}>{value}</Text>
            </div>
          ))}
        </SimpleGrid>
      )}
      <Table striped withTableBorder>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('form.userId')}</Table.Th>
            <Table.Th>{t('form.surname')}</Table.Th>
            <Table.Th>{t('form.otherNames')}</Table.Th>
            <Table.Th>{t('form.email')}</Table.Th>
            <Table.Th>{t('registry.da')}</Table.Th>
            <Table.Th>{t('registry.status')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {profiles.map((u) => (
            <Table.Tr key={u.userId}>
              <Table.Td>{u.userId}</Table.Td>
              <Table.Td>{u.surname}</Table.Td>
              <Table.Td>{u.otherNames}</Table.Td>
              <Table.Td>{u.email}</Table.Td>
              <Table.Td>{u.isDa && u.daRole ? t(`role.${u.daRole}`) : ''}</Table.Td>
              <Table.Td>
                {u.status}
                {u.locked ? ` · ${t('registry.locked')}` : ''}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}
