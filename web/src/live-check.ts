import type { Preview } from './api/types.gen';

/** What the maker has typed, as the form's fields are named in the service's problems. */
export interface TypedContent {
  lines: Record<string, unknown>[];
  contacts: Record<string, unknown>[];
  accounts: number | null;
  remarks: string;
}

/** The value at a problem's field (`lines[0].userId`, `contacts[1].email`, `accounts`), or undefined. */
export function valueAt(content: TypedContent, field: string): unknown {
  const m = /^(lines|contacts)\[(\d+)\]\.(\w+)$/.exec(field);
  if (m) return content[m[1] as 'lines' | 'contacts'][Number(m[2])]?.[m[3]];
  if (field === 'accounts') return content.accounts;
  if (field === 'remarks') return content.remarks;
  return undefined;
}

const filled = (v: unknown): boolean => v !== undefined && v !== null && !(typeof v === 'string' && !v.trim());

/** Whether the field a problem names holds something the maker typed. */
export const isFilled = (content: TypedContent, field: string): boolean => filled(valueAt(content, field));

/**
 * The problems and warnings of a preview worth showing while the maker types: those of
 * fields that hold something (a User ID in the wrong format, twice, an e-mail's shape, a
 * free-mail address). A field not filled in yet is not an error until SAVE or SUBMIT asks.
 */
export function liveFindings(
  preview: Preview | undefined,
  content: TypedContent,
): Pick<Preview, 'problems' | 'warnings'> {
  if (!preview) return { problems: [], warnings: [] };
  const typed = (f: { field: string }) => isFilled(content, f.field);
  return { problems: preview.problems.filter(typed), warnings: preview.warnings.filter(typed) };
}
