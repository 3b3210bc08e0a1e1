import { Button, Group, Menu } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { listEServices } from '../api/sdk.gen';
import { FormList, PAGE_SIZE } from '../components/FormList';
import { toListPage } from '../eservice-rows';
import { useT } from '../i18n/i18n';
import { LIST_REFRESH_MS, meQuery } from '../queries';

const eservicesRoute = getRouteApi('/app/eservices');

/** Every form the user may see (GET /api/v1/eservices), and "New eService". */
export function EServicesPage() {
  const t = useT();
  const search = eservicesRoute.useSearch();
  const navigate = useNavigate({ from: '/eservices' });
  const me = useQuery(meQuery);
  const query = useQuery({
    queryKey: ['eservices', search],
    queryFn: async () => toListPage((await listEServices({ query: { ...search, pageSize: PAGE_SIZE } })).data),
    placeholderData: keepPreviousData,
    refetchInterval: LIST_REFRESH_MS,
  });
  const maker = me.data?.kind === 'participant' && me.data.rights.includes('EU_UserMaintenance');
  return (
    <FormList
      heading="eservices.heading"
      search={search}
      setSearch={(next) => void navigate({ search: next })}
      data={query.data}
      fetching={query.isFetching}
      error={query.error}
      updatedAt={query.dataUpdatedAt}
      actions={
        maker && (
          <Menu position="bottom-end">
            <Menu.Target>
              <Button>{t('eservices.new')}</Button>
            </Menu.Target>
            <Menu.Dropdown>
              {(['DA3', 'DA4'] as const).map((formType) => (
                <Menu.Item key={formType} component={Link} to={`/eservices/new/${formType}`}>
                  <Group gap={6} wrap="nowrap">
                    <b>{formType}</b> {t(`form.${formType}.title`)}
                  </Group>
                </Menu.Item>
              ))}
            </Menu.Dropdown>
          </Menu>
        )
      }
    />
  );
}
