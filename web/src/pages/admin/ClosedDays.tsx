import { useState, type FormEvent } from 'react';
import { Badge, Button, Group, Paper, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { listClosedDays, markClosedDay } from '../../api/sdk.gen';
import { formatHkt } from '../../hkt';
import { useT } from '../../i18n/i18n';
import { Outcome } from './outcome';

/** Days HKEX closed (typhoon signal No. 8, black rainstorm): the due dates of open forms move (SPEC §13). */
export function ClosedDays() {
  const t = useT();
  const queryClient = useQueryClient();
  const [date, setDate] = useState('');
  const [reason, setReason] = useState('');
  const [marked, setMarked] = useState<string | null>(null);
  const days = useQuery({
    queryKey: ['closed-days'],
    queryFn: async () => (await listClosedDays()).data,
  });
  const mark = useMutation({
    mutationFn: async () => (await markClosedDay({ body: { date, reason: reason.trim() } })).data,
    onSuccess: async (day) => {
      setMarked(
        day.businessDay
          ? t('admin.closed.marked', { date: day.date, moved: day.formsMoved })
          : t('admin.closed.markedHoliday', { date: day.date }),
      );
      setDate('');
      setReason('');
      await queryClient.invalidateQueries({ queryKey: ['closed-days'] });
      await queryClient.invalidateQueries({ queryKey: ['tasks'] });
      await queryClient.invalidateQueries({ queryKey: ['queue'] });
    },
  });
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    setMarked(null);
    mark.mutate();
  };
  return (
    <Stack>
      <Paper withBorder p="md" component="form" onSubmit={submit} aria-label={t('admin.closed.mark')}>
        <Group align="end">
          <TextInput
            type="date"
            label={t('admin.closed.date')}
            required
            value={date}
            onChange={(e) => setDate(e.currentTarget.value)}
          />
          <TextInput
            label={t('admin.closed.reason')}
            placeholder={t('admin.closed.reasonExample')}
            required
            maxLength={500}
            w={360}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
          />
          <Button type="submit" loading={mark.isPending} disabled={!date || !reason.trim()}>
            {t('admin.closed.mark')}
          </Button>
        </Group>
      </Paper>
      <Outcome ok={marked} error={mark.error} />
      <Table striped withTableBorder aria-label={t('admin.tab.closedDays')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('admin.closed.date')}</Table.Th>
            <Table.Th>{t('admin.closed.reason')}</Table.Th>
            <Table.Th>{t('admin.closed.by')}</Table.Th>
            <Table.Th>{t('admin.closed.at')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(days.data ?? []).map((d) => (
            <Table.Tr key={d.date}>
              <Table.Td>
                {d.date}{' '}
                {!d.businessDay && (
                  <Badge size="xs" variant="outline" color="gray.7">
                    {t('admin.closed.holiday')}
                  </Badge>
                )}
              </Table.Td>
              <Table.Td>{d.reason}</Table.Td>
              <Table.Td>{d.closedBy}</Table.Td>
              <Table.Td>{formatHkt(d.closedAt)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {days.data?.length === 0 && <Text c="dimmed">{t('admin.closed.none')}</Text>}
    </Stack>
  );
}
