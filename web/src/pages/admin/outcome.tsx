import type { ReactNode } from 'react';
import { Alert } from '@mantine/core';

/** What a refusal says, for an alert. */
export const problemText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** A tab's answer: the refusal's words, or what was done. */
export function Outcome({ ok, error }: { ok: ReactNode; error: unknown }) {
  if (error)
    return (
      <Alert color="red" role="alert">
        {problemText(error)}
      </Alert>
    );
  if (ok)
    return (
      <Alert color="green" role="status">
        {ok}
      </Alert>
    );
  return null;
}
