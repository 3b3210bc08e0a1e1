import type { ReactNode } from 'react';
import { Checkbox, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import type { EServiceForm } from '../api/types.gen';
import { useT, type MessageId } from '../i18n/i18n';

export interface Line {
  userId?: string | null;
  email?: string | null;
  surname?: string | null;
  otherNames?: string | null;
  daRole?: 'maker' | 'checker' | null;
  assignedUserId?: string | null;
}
export interface Contact {
  name?: string;
  email?: string;
  phone?: string;
  /** The contact's e-mail language (set over the API; the console keeps it when saving). */
  language?: 'en' | 'zh-HK';
}

export function Section({ title, children }: { title: MessageId; children: ReactNode }) {
  const t = useT();
  const id = `section-${title}`;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={id}>
      <Title order={2} size="h5" id={id} mb="sm" className="section-title">
        {t(title)}
      </Title>
      {children}
    </Paper>
  );
}

export function Field({ label, value }: { label: string; value: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text>{value || '—'}</Text>
    </div>
  );
}

/** A form as the checker and the operator read it: the seeds' sections, read-only. */
export function FormSections({ form }: { form: EServiceForm }) {
  const t = useT();
  const lines = (form.lines ?? []) as Line[];
  const contacts = form.contacts as Contact[];
  const requestType = form.requestType as unknown as string | null | undefined;
  const add = requestType === 'ADD';
  return (
    <Stack>
      <Section title="form.company">
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Field label={t('form.from')} value={form.company} />
          <Field label={t('form.as')} value={`${form.clearingHouse} ${form.participantId}`} />
        </SimpleGrid>
      </Section>
      {form.formType === 'DA3' ? (
        <>
          <Section title="form.maintenanceRequest">
            <Field label={t('form.requestType')} value={requestType ? t(`reqType.${requestType}` as MessageId) : ''} />
          </Section>
          <Section title="form.details">
            <Table withTableBorder striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>#</Table.Th>
                  <Table.Th>{t('form.userId')}</Table.Th>
                  <Table.Th>{t('form.email')}</Table.Th>
                  {add && <Table.Th>{t('form.surname')}</Table.Th>}
                  {add && <Table.Th>{t('form.otherNames')}</Table.Th>}
                  {add && <Table.Th>{t('form.daRole')}</Table.Th>}
                  {add && <Table.Th>{t('form.assignedUserId')}</Table.Th>}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {lines.map((l, i) => (
                  <Table.Tr key={i}>
                    <Table.Td>{i + 1}</Table.Td>
                    <Table.Td>{l.userId ?? ''}</Table.Td>
                    <Table.Td>{l.email ?? ''}</Table.Td>
                    {add && <Table.Td>{l.surname ?? ''}</Table.Td>}
                    {add && <Table.Td>{l.otherNames ?? ''}</Table.Td>}
                    {add && <Table.Td>{l.daRole ? t(`role.${l.daRole}`) : ''}</Table.Td>}
                    {add && <Table.Td>{l.assignedUserId ?? ''}</Table.Td>}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Section>
        </>
      ) : (
        <Section title="form.details">
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Field label={t('form.accounts')} value={form.accounts ?? ''} />
            <Field
              label={t('form.fee')}
              value={form.fee ? `${form.fee.currency} ${form.fee.amount.toLocaleString()}` : ''}
            />
          </SimpleGrid>
        </Section>
      )}
      <Section title="form.remarks">
        <Text style={{ whiteSpace: 'pre-wrap' }}>{form.remarks || '—'}</Text>
        <Text size="sm" mt="md">
          {t('form.declaration')}
        </Text>
        <Checkbox mt="xs" readOnly checked={form.declarationAccepted} label={t('form.declarationAccept')} />
      </Section>
      <Section title="form.contacts">
        <Stack>
          {contacts.map((c, i) => (
            <SimpleGrid key={i} cols={{ base: 1, sm: 3 }}>
              <Field label={t('form.contactName')} value={c.name} />
              <Field label={t('form.contactEmail')} value={c.email} />
              <Field label={t('form.contactPhone')} value={c.phone} />
            </SimpleGrid>
          ))}
        </Stack>
      </Section>
    </Stack>
  );
}
