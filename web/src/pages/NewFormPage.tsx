import { Alert, Loader } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { FormEditor } from '../components/FormEditor';
import { useT } from '../i18n/i18n';
import { meQuery } from '../queries';

const newFormRoute = getRouteApi('/app/eservices/new/$formType');

/** `/eservices/new/DA3` and `/eservices/new/DA4`: a new draft, "As:" the participantship when the company holds several. */
export function NewFormPage() {
  const { formType } = newFormRoute.useParams();
  const t = useT();
  const me = useQuery(meQuery);
  if (formType !== 'DA3' && formType !== 'DA4') return <Alert color="red">{t('form.notFound')}</Alert>;
  if (!me.data) return <Loader aria-label={t('loading')} />;
  return <FormEditor key={formType} formType={formType} me={me.data} />;
}
