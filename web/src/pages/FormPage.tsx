import { useState } from 'react';
import { Alert, Button, Group, Loader, Paper, Stack, Text, Timeline, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { actOnEService, exportEServiceHistory, getEService, getEServiceHistory } from '../api/sdk.gen';
import type { ActionInput, EServiceForm, FieldChange, Me } from '../api/types.gen';
import { ApiProblem } from '../api-client';
import { ArrivalCheck } from '../components/ArrivalCheck';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { FormEditor } from '../components/FormEditor';
import { FormHeader } from '../components/FormHeader';
import { FormSections } from '../components/FormSections';
import { PreviewPanel } from '../components/PreviewPanel';
import { saveDownload } from '../download';
import { changeLabel, changesSinceReturn, changeValue } from '../field-changes';
import { actionBody, buttonsFor, needsDialog, type Action } from '../form-actions';
import { formatAge, formatHkt } from '../hkt';
import { useShortcuts } from '../keyboard';
import { MESSAGES, useLanguage, useT, type MessageId } from '../i18n/i18n';
import { formQueryKey, meQuery } from '../queries';

const formRoute = getRouteApi('/app/eservices/$id');

/** How often an open form looks for changes by others (a claim shows up without a reload). */
const FORM_REFRESH_MS = 10_000;

/** One form (`/eservices/{id}`): the status line, the seeds' sections, the actions, the history. */
export function FormPage() {
  const { id } = formRoute.useParams();
  const { edit } = formRoute.useSearch();
  const t = useT();
  const me = useQuery(meQuery);
  const form = useQuery({
    queryKey: formQueryKey(id),
    queryFn: async () => (await getEService({ path: { id } })).data,
    refetchInterval: FORM_REFRESH_MS,
  });
  if (form.error instanceof ApiProblem && form.error.status === 404)
    return <Alert color="red">{t('form.notFound')}</Alert>;
  if (form.error) return <Alert color="red">{t('error.generic', { detail: String(form.error.message) })}</Alert>;
  if (!form.data || !me.data) return <Loader aria-label={t('loading')} />;
  if (edit && form.data.status === 'DRAFT')
    return <FormEditor formType={form.data.formType} form={form.data} me={me.data} />;
  return <FormRead form={form.data} me={me.data} />;
}

function FormRead({ form, me }: { form: EServiceForm; me: Me }) {
  const t = useT();
  const { language } = useLanguage();
  const has = (id: string): boolean => id in MESSAGES.en;
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [pending, setPending] = useState<Exclude<Action, 'edit'> | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const history = useQuery({
    queryKey: ['history', form.id, form.version],
    queryFn: async () => (await getEServiceHistory({ path: { id: form.id } })).data,
  });
  const sinceReturn = changesSinceReturn(history.data ?? []);
  const act = useMutation({
    mutationFn: async ({ action, text }: { action: Exclude<Action, 'edit'>; text: string }) =>
      (
        await actOnEService({
          path: { id: form.id, action },
          body: actionBody(action, text) as ActionInput,
          headers: { 'If-Match': `"${form.version}"` },
        })
      ).data,
    onSuccess: async (result, { action }) => {
      setPending(null);
      setProblem(null);
      await queryClient.invalidateQueries({ queryKey: ['tasks'] });
      await queryClient.invalidateQueries({ queryKey: ['eservices'] });
      if (action === 'clone') {
        await navigate({ to: '/eservices/$id', params: { id: result.id }, search: { edit: true } });
        return;
      }
      // The answer of an action is the form without allowedActions (those come with GET):
      // the form is read again, so the buttons follow the new state at once.
      await queryClient.invalidateQueries({ queryKey: formQueryKey(form.id) });
      setDone(t('action.done', { status: t(`status.${result.status}` as MessageId) }));
    },
    onError: (e) => {
      setPending(null);
      setDone(null);
      setProblem(e instanceof ApiProblem ? e : new ApiProblem(0, { detail: String(e) }));
      void queryClient.invalidateQueries({ queryKey: formQueryKey(form.id) });
    },
  });
  const buttons = buttonsFor(form);
  const press = (action: Action) => {
    setDone(null);
    if (action === 'edit') void navigate({ to: '/eservices/$id', params: { id: form.id }, search: { edit: true } });
    else if (needsDialog(action, form, me.id)) setPending(action);
    else act.mutate({ action, text: '' });
  };
  // c: CLAIM, when the form offers it to this user (the one-key claim of a queue worker).
  useShortcuts({
    c: () => {
      if (buttons.some((b) => b.action === 'claim' && b.allowed) && !act.isPending) press('claim');
    },
  });
  const conflict = problem && (problem.status === 409 || problem.status === 412);
  const refused = buttons.filter((b) => !b.allowed && b.reason);

  return (
    <Stack maw={1100}>
      <Group justify="space-between" align="flex-start">
        <FormHeader form={form} />
        <Group gap="xs" role="toolbar" aria-label={t('form.actions')}>
          {buttons.map((b) => (
            <Button
              key={b.action}
              disabled={!b.allowed || act.isPending}
              variant={b.action === 'reject' || b.action === 'discard' || b.action === 'return' ? 'outline' : 'filled'}
              color={b.action === 'reject' || b.action === 'discard' ? 'red' : undefined}
              title={b.reason?.detail}
              aria-describedby={b.reason ? `reason-${b.action}` : undefined}
              onClick={() => press(b.action)}
            >
              {t(`action.${b.action}` as MessageId)}
            </Button>
          ))}
          <Button
            variant="default"
            onClick={() =>
              void saveDownload(
                exportEServiceHistory({ path: { id: form.id }, parseAs: 'blob' }),
                `${form.referenceNumber ?? 'draft'}-history.csv`,
              )
            }
          >
            {t('form.historyCsv')}
          </Button>
          {(form.status === 'COMPLETED' || form.status === 'REJECTED') && (
            <Button
              component="a"
              variant="default"
              href={`/api/v1/eservices/${form.id}/pdf`}
              onClick={(e) => {
                e.preventDefault();
                void openPdf(form.id);
              }}
            >
              {t('form.pdf')}
            </Button>
          )}
        </Group>
      </Group>
      {refused.map((b) => (
        <Text key={b.action} size="sm" c="dimmed" id={`reason-${b.action}`}>
          {t(`action.${b.action}` as MessageId)}: {b.reason!.detail}
        </Text>
      ))}
      {done && (
        <Alert color="green" role="status" withCloseButton closeButtonLabel={t('close')} onClose={() => setDone(null)}>
          {done}
        </Alert>
      )}
      {problem && (
        <Alert color={conflict ? 'orange' : 'red'} role="alert" title={conflict ? t('conflict.title') : undefined}>
          <Stack gap="xs">
            <Text size="sm">
              {conflict
                ? t('conflict.body', {
                    // A claim is not a status: the one who holds the form is named.
                    status:
                      form.status === 'READY_TO_SEND' && form.claimedBy
                        ? t('form.claimedBy', { name: form.claimedBy.name, time: formatHkt(form.claimedBy.at) })
                        : t(`status.${form.status}` as MessageId),
                    detail: problem.message,
                  })
                : problem.message}
            </Text>
            {problem.problem.errors?.map((e) => (
              <Text size="sm" key={e.field + e.message}>
                {e.field}: {e.message}
              </Text>
            ))}
            {conflict && (
              <Button
                size="xs"
                w="fit-content"
                onClick={() => {
                  setProblem(null);
                  void queryClient.invalidateQueries({ queryKey: formQueryKey(form.id) });
                }}
              >
                {t('conflict.reload')}
              </Button>
            )}
          </Stack>
        </Alert>
      )}
      {me.kind !== 'participant' && form.status === 'SENT_TO_HKEX' && (
        <Paper withBorder p="md">
          <Text fw={600} mb="xs">
            {t('form.arrivalCheck')}
          </Text>
          <ArrivalCheck form={form} />
        </Paper>
      )}
      {form.rejectionReason && (
        <Alert color="red" title={t('form.rejectionReason')}>
          {form.rejectionReason}
        </Alert>
      )}
      {(form.status === 'DRAFT' ||
        form.status === 'READY_TO_SEND' ||
        (form.status === 'SENT_TO_HKEX' && !form.completionRequested)) && <PreviewPanel form={form} />}
      <FormSections form={form} />
      {sinceReturn.length > 0 && (
        <Paper withBorder p="md" component="section" aria-labelledby="changes-title">
          <Title order={2} size="h5" id="changes-title" mb="sm" className="section-title">
            {t('changes.title')}
          </Title>
          <ChangeList changes={sinceReturn} />
        </Paper>
      )}
      <Paper withBorder p="md" component="section" aria-labelledby="history-title">
        <Title order={2} size="h5" id="history-title" mb="sm" className="section-title">
          {t('form.history')}
        </Title>
        <Timeline bulletSize={14} lineWidth={2} active={(history.data?.length ?? 0) - 1}>
          {history.data?.map((h, i) => (
            <Timeline.Item
              key={i}
              title={`${has(`action.${h.action}`) ? t(`action.${h.action}` as MessageId) : h.action.toUpperCase()} · ${h.by.name}`}
            >
              <Text size="sm" c="dimmed">
                {formatHkt(h.at)} ({formatAge(h.at, new Date(), language)}) ·{' '}
                {t('form.history.entry', {
                  from: h.fromStatus ? t(`status.${h.fromStatus}` as MessageId) : '—',
                  to: t(`status.${h.toStatus}` as MessageId),
                })}
              </Text>
              {h.message && <Text size="sm">“{h.message}”</Text>}
              {h.changes && h.changes.length > 0 && <ChangeList changes={h.changes} />}
            </Timeline.Item>
          ))}
        </Timeline>
      </Paper>
      <ConfirmDialog
        action={pending}
        busy={act.isPending}
        onCancel={() => setPending(null)}
        onConfirm={(text) => pending && act.mutate({ action: pending, text })}
      />
    </Stack>
  );
}

/** Field, before → after, in the page's language. */
function ChangeList({ changes }: { changes: readonly FieldChange[] }) {
  const t = useT();
  return (
    <ul className="change-list">
      {changes.map((c) => (
        <li key={c.field}>
          <Text size="sm" span fw={600}>
            {changeLabel(c.field, t)}
          </Text>
          <Text size="sm" span>
            {': '}
            {t('changes.change', {
              before: changeValue(c.field, c.before, t),
              after: changeValue(c.field, c.after, t),
            })}
          </Text>
        </li>
      ))}
    </ul>
  );
}

/** The PDF record, fetched with the bearer token (a plain link cannot send it). */
async function openPdf(id: string): Promise<void> {
  const { getEServicePdf } = await import('../api/sdk.gen');
  const res = await getEServicePdf({ path: { id }, parseAs: 'blob' });
  const url = URL.createObjectURL(res.data as Blob);
  window.open(url, '_blank', 'noopener');
}
