import { useState } from 'react';
import {
  ActionIcon,
  Alert,
  Button,
  Checkbox,
  Group,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import {
  actOnEService,
  getEService,
  createEService,
  previewContent,
  previewEService,
  updateEService,
} from '../api/sdk.gen';
import type { ActionInput, CreateEService, EServiceForm, Me, Preview, UpdateEService } from '../api/types.gen';
import { ApiProblem } from '../api-client';
import { ConfirmDialog } from './ConfirmDialog';
import { FormHeader } from './FormHeader';
import { Section, type Contact, type Line } from './FormSections';
import { actionBody } from '../form-actions';
import { isFilled, liveFindings, type TypedContent } from '../live-check';
import { useT } from '../i18n/i18n';
import { formQueryKey } from '../queries';

export const REQUEST_TYPES = ['CHANGE', 'ADD', 'UNLOCK', 'ENABLE', 'DISABLE', 'DELETE'] as const;
type RequestType = (typeof REQUEST_TYPES)[number];
export const MAX_LINES = 20;

export interface Draft {
  participantship: string; // "HKSCC B01234"
  requestType: RequestType;
  lines: Line[];
  accounts: number | null;
  remarks: string;
  declarationAccepted: boolean;
  contacts: Contact[];
}

/** What the API takes for a draft's content: empty inputs are left out, not sent as "". */
export function draftBody(formType: 'DA3' | 'DA4', d: Draft): UpdateEService {
  const text = (v: string | null | undefined) => (v && v.trim() ? v.trim() : undefined);
  const common = {
    remarks: text(d.remarks) ?? null,
    declarationAccepted: d.declarationAccepted,
    contacts: d.contacts.map((c) => ({
      name: text(c.name),
      email: text(c.email),
      phone: text(c.phone),
      ...(c.language ? { language: c.language } : {}),
    })),
  };
  if (formType === 'DA4') return { ...common, accounts: d.accounts } as unknown as UpdateEService;
  const add = d.requestType === 'ADD';
  return {
    ...common,
    requestType: d.requestType,
    lines: d.lines.map((l) => ({
      userId: text(l.userId),
      email: text(l.email),
      ...(add ? { surname: text(l.surname), otherNames: text(l.otherNames), daRole: l.daRole ?? undefined } : {}),
    })),
  } as unknown as UpdateEService;
}

/** The body of POST /eservices (and of its preview): the draft's content and its participantship. */
export function createBody(formType: 'DA3' | 'DA4', d: Draft): CreateEService {
  const [clearingHouse, participantId] = d.participantship.split(' ');
  return {
    ...draftBody(formType, d),
    formType,
    clearingHouse: clearingHouse as CreateEService['clearingHouse'],
    participantId: participantId!,
  } as CreateEService;
}

export function initialDraft(formType: 'DA3' | 'DA4', me: Me, form?: EServiceForm): Draft {
  if (form)
    return {
      participantship: `${form.clearingHouse} ${form.participantId}`,
      requestType: (form.requestType as RequestType | null) ?? 'CHANGE',
      lines: ((form.lines ?? []) as Line[]).length ? (form.lines as Line[]) : [{}],
      accounts: form.accounts ?? null,
      remarks: form.remarks ?? '',
      declarationAccepted: form.declarationAccepted,
      contacts: form.contacts as Contact[],
    };
  // The seeds' first choice is the HKSCC participantship when the company holds one.
  const p = me.participantships.find((x) => x.clearingHouse === 'HKSCC') ?? me.participantships[0];
  return {
    participantship: p ? `${p.clearingHouse} ${p.participantId}` : '',
    requestType: 'CHANGE',
    lines: [{}],
    accounts: formType === 'DA4' ? 1 : null,
    remarks: '',
    declarationAccepted: false,
    contacts: [{ name: me.name, email: me.username, phone: me.phone ?? '' }],
  };
}

/**
 * A new eService or a draft being edited: the seeds' sections as inputs, SAVE, PREVIEW,
 * DISCARD, SUBMIT. The rules are the service's: each SAVE asks GET /preview and shows its
 * problems and warnings at the fields they name.
 */
/**
 * The first SAVE of a new form moves to the form's own address, where another editor is
 * mounted: what the first one had to say ("Saved." and the preview) is handed over here.
 */
const handedOver = new Map<string, { notice: string; preview: Preview }>();

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
  const setLine = (i: number, patch: Partial<Line>) =>
    set({ lines: d.lines.map((l, j) => (j === i ? { ...l, ...patch } : l)) });
  const setContact = (i: number, patch: Partial<Contact>) =>
    set({ contacts: d.contacts.map((c, j) => (j === i ? { ...c, ...patch } : c)) });

  // Checked while typing: the service's preview of what is on screen (not saved), half a
  // second after the last key; the page has no copy of the rules.
  const [typed] = useDebouncedValue(d, 500);
  const live = useQuery({
    queryKey: ['typed-preview', formType, typed],
    queryFn: async () => (await previewContent({ body: createBody(formType, typed) })).data,
    placeholderData: keepPreviousData,
    staleTime: Infinity,
    retry: false,
  });
  const onScreen: TypedContent = {
    lines: d.lines as Record<string, unknown>[],
    contacts: d.contacts as Record<string, unknown>[],
    accounts: d.accounts,
    remarks: d.remarks,
  };
  const findings = liveFindings(live.data, onScreen);

  const fieldError = (field: string): string | undefined => {
    const messages = new Set([
      ...findings.problems.filter((p) => p.field === field).map((p) => p.message),
      // A filled field is judged by the check of what is typed now; an empty one by the last SAVE.
      ...(live.data && isFilled(onScreen, field) ? [] : (preview?.problems ?? []))
        .filter((p) => p.field === field)
        .map((p) => p.message),
      ...(problem?.problem.errors ?? []).filter((p) => p.field === field).map((p) => p.message),
    ]);
    return messages.size ? [...messages].join('; ') : undefined;
  };
  const fieldWarning = (field: string): string | undefined =>
    [...(live.data ? findings.warnings : (preview?.warnings ?? []))]
      .filter((w) => w.field === field)
      .map((w) => w.message)
      .join(' ') || undefined;

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
  const add = d.requestType === 'ADD';
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
      <Section title="form.company">
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label={t('form.from')} value={me.company?.name ?? ''} readOnly />
          <Select
            label={t('form.as')}
            disabled={Boolean(saved)}
            allowDeselect={false}
            value={d.participantship}
            data={me.participantships.map((p) => ({
              value: `${p.clearingHouse} ${p.participantId}`,
              label: `${p.clearingHouse} Participant (${p.participantId})`,
            }))}
            onChange={(v) => v && set({ participantship: v })}
          />
        </SimpleGrid>
      </Section>
      {formType === 'DA3' ? (
        <>
          <Section title="form.maintenanceRequest">
            <Select
              label={t('form.requestType')}
              allowDeselect={false}
              w={280}
              value={d.requestType}
              data={REQUEST_TYPES.map((r) => ({ value: r, label: t(`reqType.${r}`) }))}
              onChange={(v) => v && set({ requestType: v as RequestType })}
            />
          </Section>
          <Section title="form.details">
            <Stack>
              {d.lines.map((l, i) => (
                <Group key={i} align="flex-start" wrap="nowrap" data-testid={`line-${i}`}>
                  <Text fw={600} mt={28} w={24}>
                    {i + 1}
                  </Text>
                  <SimpleGrid cols={{ base: 1, sm: add ? 3 : 2 }} style={{ flex: 1 }}>
                    <TextInput
                      label={t('form.userId')}
                      value={l.userId ?? ''}
                      maxLength={8}
                      error={fieldError(`lines[${i}].userId`)}
                      onChange={(e) => setLine(i, { userId: e.currentTarget.value.toUpperCase() })}
                    />
                    <TextInput
                      label={t('form.email')}
                      type="email"
                      value={l.email ?? ''}
                      error={fieldError(`lines[${i}].email`)}
                      description={fieldWarning(`lines[${i}].email`)}
                      onChange={(e) => setLine(i, { email: e.currentTarget.value })}
                    />
                    {add && (
                      <>
                        <TextInput
                          label={t('form.surname')}
                          value={l.surname ?? ''}
                          error={fieldError(`lines[${i}].surname`)}
                          onChange={(e) => setLine(i, { surname: e.currentTarget.value })}
                        />
                        <TextInput
                          label={t('form.otherNames')}
                          value={l.otherNames ?? ''}
                          error={fieldError(`lines[${i}].otherNames`)}
                          onChange={(e) => setLine(i, { otherNames: e.currentTarget.value })}
                        />
                        <Select
                          label={t('form.daRole')}
                          value={l.daRole ?? null}
                          error={fieldError(`lines[${i}].daRole`)}
                          data={(['maker', 'checker'] as const).map((r) => ({ value: r, label: t(`role.${r}`) }))}
                          onChange={(v) => setLine(i, { daRole: (v as 'maker' | 'checker' | null) ?? null })}
                        />
                      </>
                    )}
                  </SimpleGrid>
                  {d.lines.length > 1 && (
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      mt={28}
                      aria-label={t('form.removeLine', { n: i + 1 })}
                      onClick={() => set({ lines: d.lines.filter((_, j) => j !== i) })}
                    >
                      ×
                    </ActionIcon>
                  )}
                </Group>
              ))}
              {fieldError('lines') && (
                <Text c="red" size="sm">
                  {fieldError('lines')}
                </Text>
              )}
              <Button
                variant="subtle"
                w="fit-content"
                disabled={d.lines.length >= MAX_LINES}
                onClick={() => set({ lines: [...d.lines, {}] })}
              >
                {t('form.addRequest')}
              </Button>
            </Stack>
          </Section>
        </>
      ) : (
        <Section title="form.details">
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <NumberInput
              label={t('form.accounts')}
              min={1}
              max={100}
              value={d.accounts ?? ''}
              error={fieldError('accounts')}
              onChange={(v) => set({ accounts: typeof v === 'number' ? v : null })}
            />
            <TextInput
              label={t('form.fee')}
              readOnly
              value={saved?.fee ? `${saved.fee.currency} ${saved.fee.amount.toLocaleString()}` : ''}
              description={t('form.feeNote')}
            />
          </SimpleGrid>
        </Section>
      )}
      <Section title="form.remarks">
        <Textarea
          label={t('form.remarks')}
          placeholder={t('form.remarks.placeholder')}
          maxLength={1000}
          autosize
          minRows={2}
          value={d.remarks}
          onChange={(e) => set({ remarks: e.currentTarget.value })}
        />
        <Text size="sm" mt="md">
          {t('form.declaration')}
        </Text>
        <Checkbox
          mt="xs"
          checked={d.declarationAccepted}
          error={fieldError('declarationAccepted')}
          label={t('form.declarationAccept')}
          onChange={(e) => set({ declarationAccepted: e.currentTarget.checked })}
        />
      </Section>
      <Section title="form.contacts">
        <Stack>
          {d.contacts.map((c, i) => (
            <Group key={i} align="flex-start" wrap="nowrap">
              <SimpleGrid cols={{ base: 1, sm: 3 }} style={{ flex: 1 }}>
                <TextInput
                  label={t('form.contactName')}
                  value={c.name ?? ''}
                  error={fieldError(`contacts[${i}].name`)}
                  onChange={(e) => setContact(i, { name: e.currentTarget.value })}
                />
                <TextInput
                  label={t('form.contactEmail')}
                  value={c.email ?? ''}
                  error={fieldError(`contacts[${i}].email`)}
                  onChange={(e) => setContact(i, { email: e.currentTarget.value })}
                />
                <TextInput
                  label={t('form.contactPhone')}
                  value={c.phone ?? ''}
                  error={fieldError(`contacts[${i}].phone`)}
                  onChange={(e) => setContact(i, { phone: e.currentTarget.value })}
                />
              </SimpleGrid>
              {d.contacts.length > 1 && (
                <ActionIcon
                  variant="subtle"
                  color="red"
                  mt={28}
                  aria-label={t('form.removeContact', { n: i + 1 })}
                  onClick={() => set({ contacts: d.contacts.filter((_, j) => j !== i) })}
                >
                  ×
                </ActionIcon>
              )}
            </Group>
          ))}
          <Button variant="subtle" w="fit-content" onClick={() => set({ contacts: [...d.contacts, {}] })}>
            {t('form.addContact')}
          </Button>
        </Stack>
      </Section>
      <ConfirmDialog
        action={confirming ? 'submit' : null}
        busy={busy}
        onCancel={() => setConfirming(false)}
        onConfirm={(text) => void act('submit', text)}
      />
    </Stack>
  );
}
