import { useState } from 'react';
import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { actOnEService, getEService, createEService, previewEService, updateEService } from '../api/sdk.gen';
import type { ActionInput, EServiceForm, Me, Preview } from '../api/types.gen';
import { ApiProblem } from '../api-client';
import { ConfirmDialog } from './ConfirmDialog';
import { AccountsSection, CompanySection, ContactsSection, RemarksSection, RequestSections } from './DraftSections';
import { FormHeader } from './FormHeader';
import { useLiveCheck } from './useLiveCheck';
import { actionBody } from '../form-actions';
import { createBody, draftBody, initialDraft, type Draft } from '../form-draft';
import { useT } from '../i18n/i18n';
import { formQueryKey } from '../queries';

/**
 * The first SAVE of a new form moves to the form's own address, where another editor is
 * mounted: what the first one had to say ("Saved." and the preview) is handed over here.
 */
const handedOver = new Map<string, { notice: string; preview: Preview }>();

/**
 * A new eService or a draft being edited: the seeds' sections as inputs, SAVE, PREVIEW,
 * DISCARD, SUBMIT. The rules are the service's: each SAVE asks GET /preview and shows its
 * problems and warnings at the fields they name.
 */
export function FormEditor({ formType, form, me }: { formType: 'DA3' | 'DA4'; form?: EServiceForm; me: Me }) {
  const t = useT();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [d, setD] = useState<Draft>(() => initialDraft(formType, me, form));
  const [saved, setSaved] = useState<EServiceForm | undefined>(form);
  const [carried] = useState(() => {
    const found = form && handedOver.get(form.id);
    if (form) handedOver.delete(form.id);
    return found;
  });
  const [preview, setPreview] = useState<Preview | null>(carried?.preview ?? null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [notice, setNotice] = useState<string | null>(carried?.notice ?? null);

  const set = (patch: Partial<Draft>) => {
    setD((old) => ({ ...old, ...patch }));
    setNotice(null);
  };

  const { fieldError, fieldWarning } = useLiveCheck(formType, d, preview, problem);

  /** Saves (creates the first time), then asks the service what submit would find. */
  async function save(): Promise<EServiceForm | null> {
    setBusy(true);
    setProblem(null);
    try {
      let result: EServiceForm;
      if (saved) {
        result = (
          await updateEService({
            path: { id: saved.id },
            body: draftBody(formType, d),
            headers: { 'If-Match': `"${saved.version}"` },
          })
        ).data;
      } else {
        result = (await createEService({ body: createBody(formType, d) })).data;
      }
      setSaved(result);
      // Read again rather than cached from the answer: GET carries the form's allowedActions.
      await queryClient.invalidateQueries({ queryKey: formQueryKey(result.id) });
      const checked = (await previewEService({ path: { id: result.id } })).data;
      setPreview(checked);
      setNotice(t('form.saved'));
      if (!form) {
        handedOver.set(result.id, { notice: t('form.saved'), preview: checked });
        await navigate({ to: '/eservices/$id', params: { id: result.id }, search: { edit: true }, replace: true });
      }
      return result;
    } catch (e) {
      setProblem(e instanceof ApiProblem ? e : new ApiProblem(0, { detail: String(e) }));
      return null;
    } finally {
      setBusy(false);
    }
  }

  /**
   * After a 412 (someone saved the form since it was opened here): the newer content from the
   * service replaces this page's, so the next SAVE sends its version; what was typed here is
   * dropped, as the message says.
   */
  async function reload(): Promise<void> {
    if (!saved) return;
    setBusy(true);
    try {
      const fresh = (await getEService({ path: { id: saved.id } })).data;
      setSaved(fresh);
      setD(initialDraft(formType, me, fresh));
      setPreview(null);
      setNotice(null);
      setProblem(null);
      if (fresh.status !== 'DRAFT')
        await navigate({ to: '/eservices/$id', params: { id: fresh.id }, search: {}, replace: true });
    } catch (e) {
      setProblem(e instanceof ApiProblem ? e : new ApiProblem(0, { detail: String(e) }));
    } finally {
      setBusy(false);
    }
  }

  async function act(action: 'submit' | 'discard', text = ''): Promise<void> {
    const current = await save();
    if (!current) return;
    setBusy(true);
    try {
      await actOnEService({
        path: { id: current.id, action },
        body: actionBody(action, text) as ActionInput,
        headers: { 'If-Match': `"${current.version}"` },
      });
      await queryClient.invalidateQueries({ queryKey: formQueryKey(current.id) });
      await navigate({ to: '/eservices/$id', params: { id: current.id }, search: {} });
    } catch (e) {
      setProblem(e instanceof ApiProblem ? e : new ApiProblem(0, { detail: String(e) }));
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  }

  const stale = problem !== null && (problem.status === 412 || problem.status === 409) && Boolean(saved);
  return (
    <Stack maw={1100}>
      <Group justify="space-between" align="flex-start">
        <FormHeader form={saved ?? { formType, referenceNumber: null }} />
        <Group gap="xs">
          <Button variant="default" loading={busy} onClick={() => void save()}>
            {t('action.save')}
          </Button>
          <Button
            variant="default"
            disabled={busy}
            onClick={() =>
              void save().then((r) => r && navigate({ to: '/eservices/$id', params: { id: r.id }, search: {} }))
            }
          >
            {t('action.preview')}
          </Button>
          {saved && (
            <Button variant="outline" color="red" disabled={busy} onClick={() => void act('discard')}>
              {t('action.discard')}
            </Button>
          )}
          <Button disabled={busy} onClick={() => setConfirming(true)}>
            {t('action.submit')}
          </Button>
        </Group>
      </Group>
      {notice && (
        <Text role="status" c="hkex.8" size="sm">
          {notice}
        </Text>
      )}
      {problem && (
        <Alert
          color={stale ? 'orange' : 'red'}
          role="alert"
          title={stale ? t('conflict.title') : undefined}
          data-testid="editor-problem"
        >
          <Text size="sm">{stale ? t('conflict.edited', { detail: problem.message }) : problem.message}</Text>
          {problem.problem.errors?.map((e) => (
            <Text size="sm" key={e.field + e.message}>
              {e.field}: {e.message}
            </Text>
          ))}
          {stale && (
            <Button size="xs" mt="xs" w="fit-content" disabled={busy} onClick={() => void reload()}>
              {t('conflict.reload')}
            </Button>
          )}
        </Alert>
      )}
      {preview && preview.problems.length > 0 && (
        <Alert color="orange.9" title={t('form.preview.problems')} data-testid="preview-problems">
          {preview.problems.map((p) => (
            <Text size="sm" key={p.field + p.message}>
              {p.message}
            </Text>
          ))}
        </Alert>
      )}
      <CompanySection d={d} set={set} me={me} locked={Boolean(saved)} />
      {formType === 'DA3' ? (
        <RequestSections d={d} set={set} fieldError={fieldError} fieldWarning={fieldWarning} />
      ) : (
        <AccountsSection d={d} set={set} fieldError={fieldError} saved={saved} />
      )}
      <RemarksSection d={d} set={set} fieldError={fieldError} />
      <ContactsSection d={d} set={set} fieldError={fieldError} />
      <ConfirmDialog
        action={confirming ? 'submit' : null}
        busy={busy}
        onCancel={() => setConfirming(false)}
        onConfirm={(text) => void act('submit', text)}
      />
    </Stack>
  );
}
