import { useCallback, useState } from 'react';
import { ApiProblem } from '../api-client';
import { useT } from '../i18n/i18n';

/**
 * Runs one step of a login or set-up screen: busy while it runs, and its refusal in words
 * (the service's field reasons when it gives them; the seeds' message for a locked account).
 */
export function useStepRunner() {
  const t = useT();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const describe = useCallback(
    (e: unknown): string => {
      if (e instanceof ApiProblem) {
        if (e.code === 'ACCOUNT_LOCKED') return t('login.locked');
        if (e.problem.errors?.length) return e.problem.errors.map((x) => x.message).join(' ');
        return e.message;
      }
      return t('error.generic', { detail: String(e) });
    },
    [t],
  );

  const run = useCallback(
    async (action: () => Promise<void>): Promise<void> => {
      setBusy(true);
      setError(null);
      try {
        await action();
      } catch (err) {
        setError(describe(err));
      } finally {
        setBusy(false);
      }
    },
    [describe],
  );

  return { busy, error, setError, run };
}
