import {
  ActionIcon,
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
import type { EServiceForm, Me } from '../api/types.gen';
import { MAX_LINES, REQUEST_TYPES, type Draft, type RequestType } from '../form-draft';
import { useT } from '../i18n/i18n';
import { Section, type Contact, type Line } from './FormSections';
import type { FieldMessages } from './useLiveCheck';

/** The seeds' sections of a draft as inputs: each shows the draft and hands each change to `set`. */
interface DraftProps extends FieldMessages {
  d: Draft;
  set: (patch: Partial<Draft>) => void;
}

/** From: the company; As: the participantship, chosen before the first SAVE only. */
export function CompanySection({ d, set, me, locked }: Pick<DraftProps, 'd' | 'set'> & { me: Me; locked: boolean }) {
  const t = useT();
  return (
    <Section title="form.company">
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput label={t('form.from')} value={me.company?.name ?? ''} readOnly />
        <Select
          label={t('form.as')}
          disabled={locked}
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
  );
}

/** A DA3: the request type, and one line per user (an ADD also names the person and their role). */
export function RequestSections({ d, set, fieldError, fieldWarning }: DraftProps) {
  const t = useT();
  const setLine = (i: number, patch: Partial<Line>) =>
    set({ lines: d.lines.map((l, j) => (j === i ? { ...l, ...patch } : l)) });
  const add = d.requestType === 'ADD';
  return (
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
  );
}

/** A DA4: the number of accounts, and the fee the service worked out at the last SAVE. */
export function AccountsSection({
  d,
  set,
  fieldError,
  saved,
}: Pick<DraftProps, 'd' | 'set' | 'fieldError'> & { saved?: EServiceForm }) {
  const t = useT();
  return (
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
  );
}

/** The remarks, and the declaration the maker accepts. */
export function RemarksSection({ d, set, fieldError }: Pick<DraftProps, 'd' | 'set' | 'fieldError'>) {
  const t = useT();
  return (
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
  );
}

/** The contact persons: name, e-mail and phone each. */
export function ContactsSection({ d, set, fieldError }: Pick<DraftProps, 'd' | 'set' | 'fieldError'>) {
  const t = useT();
  const setContact = (i: number, patch: Partial<Contact>) =>
    set({ contacts: d.contacts.map((c, j) => (j === i ? { ...c, ...patch } : c)) });
  return (
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
  );
}
