import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { previewContent } from '../api/sdk.gen';
import type { Preview } from '../api/types.gen';
import type { ApiProblem } from '../api-client';
import { createBody, type Draft } from '../form-draft';
import { isFilled, liveFindings, type TypedContent } from '../live-check';

/** What the editor shows at a field (by the service's name for it, `lines[0].email`): its error and its warning. */
export interface FieldMessages {
  fieldError(field: string): string | undefined;
  fieldWarning(field: string): string | undefined;
}

/**
 * Checked while typing: the service's preview of what is on screen (not saved), half a
 * second after the last key; the page has no copy of the rules. Merged at each field with
 * what the last SAVE's preview and the last refusal said.
 */
export function useLiveCheck(
  formType: 'DA3' | 'DA4',
  d: Draft,
  preview: Preview | null,
  problem: ApiProblem | null,
): FieldMessages {
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
  return { fieldError, fieldWarning };
}
