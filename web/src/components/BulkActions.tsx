import { useState } from 'react';
import { Alert, Anchor, Button, Group, Paper, Stack, Table, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { actOnEServices } from '../api/sdk.gen';
import type { BulkAction, BulkResult } from '../api/types.gen';
import { ApiProblem } from '../api-client';
import { useT, type MessageId } from '../i18n/i18n';
import { ConfirmDialog } from './ConfirmDialog';
import type { ListRow } from './FormList';

/** What each kind of user may do in bulk (SPEC §13): checkers claim, release, confirm; HKEX operators claim, complete. */
export const BULK_ACTIONS: Record<'checker' | 'operator', readonly BulkAction[]> = {
  checker: ['claim', 'release', 'confirm'],
  operator: ['claim', 'complete'],
};

/** These ask "PLEASE CONFIRM TO PROCEED" first, as the single action does; release asks for a reason (optional here). */
const DIALOG: ReadonlySet<BulkAction> = new Set(['confirm', 'complete', 'release']);

/** 128 random bits; `crypto.randomUUID` exists only on HTTPS or localhost, `getRandomValues` everywhere. */
function newIdempotencyKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The bar above a list with rows selected: one button per bulk action of the user, then each
 * form's own answer (POST /api/v1/eservices/bulk/{action}: 200 with a result per form, some
 * done and some refused). The service applies each form's rules; the page keeps no copy.
 */
export function BulkActions(props: { who: 'checker' | 'operator'; selected: ListRow[]; onDone: () => void }) {
  const t = useT();
  const [pending, setPending] = useState<BulkAction | null>(null);
  const [outcome, setOutcome] = useState<{ action: BulkAction; rows: ListRow[]; results: BulkResult[] } | null>(null);
  const run = useMutation({
    mutationFn: async ({ action, text }: { action: BulkAction; text: string }) => {
      const rows = props.selected;
      const results = (
        await actOnEServices({
          path: { action },
          body: { ids: rows.map((r) => r.id), ...(text.trim() ? { message: text.trim() } : {}) },
          // Pressing twice or a retried request does the work once (SPEC §11).
          headers: { 'Idempotency-Key': newIdempotencyKey() },
        })
      ).data.results;
      return { action, rows, results };
    },
    onSuccess: (result) => {
      setPending(null);
      setOutcome(result);
      props.onDone();
    },
    onError: () => setPending(null),
  });
  const press = (action: BulkAction): void => {
    setOutcome(null);
    run.reset();
    if (DIALOG.has(action)) setPending(action);
    else run.mutate({ action, text: '' });
  };
  const count = props.selected.length;
  const done = outcome?.results.filter((r) => r.ok).length ?? 0;
  const refused = (outcome?.results.length ?? 0) - done;

  return (
    <Stack gap="xs">
      {count > 0 && (
        <Paper withBorder p="xs" role="toolbar" aria-label={t('bulk.toolbar')} data-testid="bulk-bar">
          <Group gap="xs">
            <Text size="sm" fw={600}>
              {t('bulk.selected', { count })}
            </Text>
            {BULK_ACTIONS[props.who].map((action) => (
              <Button
                key={action}
                size="xs"
                loading={run.isPending && run.variables?.action === action}
                onClick={() => press(action)}
              >
                {t(`action.${action}` as MessageId)}
              </Button>
            ))}
          </Group>
        </Paper>
      )}
      {run.error && (
        <Alert color="red" role="alert">
          {run.error instanceof ApiProblem ? run.error.message : String(run.error)}
        </Alert>
      )}
      {outcome && (
        <Alert
          color={refused ? 'orange' : 'green'}
          role="status"
          title={t('bulk.outcome', { action: t(`action.${outcome.action}` as MessageId), done, refused })}
          withCloseButton
          closeButtonLabel={t('close')}
          onClose={() => setOutcome(null)}
          data-testid="bulk-outcome"
        >
          <Table fz="sm" verticalSpacing={2}>
            <Table.Tbody>
              {outcome.results.map((r) => {
                const row = outcome.rows.find((x) => x.id === r.id);
                return (
                  <Table.Tr key={r.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/eservices/${r.id}`}>
                        {row?.referenceNumber ?? r.id}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      {r.ok
                        ? t('bulk.itemDone', { status: t(`status.${r.form!.status}` as MessageId) })
                        : (r.problem?.detail ?? r.problem?.title)}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Alert>
      )}
      <ConfirmDialog
        action={pending}
        input={pending === 'release' ? 'optionalReason' : undefined}
        question={pending ? t('bulk.question', { action: t(`action.${pending}` as MessageId), count }) : undefined}
        busy={run.isPending}
        onCancel={() => setPending(null)}
        onConfirm={(text) => pending && run.mutate({ action: pending, text })}
      />
    </Stack>
  );
}
