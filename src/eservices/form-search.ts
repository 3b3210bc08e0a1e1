import { EntityManager } from 'typeorm';
import { FixedSql } from '../common/fixed-sql';
import { EServiceForm } from './eservice-form.entity';

/**
 * The free-text search of the lists (`q`, SPEC §11), in one place: which terms a form is found
 * by, and which terms a query looks for. Terms live in `form_search_term` (term, formId),
 * written in the form's own transaction whenever its lines or reference number change, so a
 * search is an index lookup (or a range of it, for a name's start), never a scan of forms.
 *
 * A form is found by its reference number (`ref:da3_00013361`) and its number without leading
 * zeros (`num:13361`), each User ID (`uid:`) and e-mail (`mail:`) of its lines, and the
 * surname and other names of its Add lines (`name:`), all lower-case.
 */
export function searchTerms(form: Pick<EServiceForm, 'referenceNumber' | 'lines'>): string[] {
  const terms = new Set<string>();
  if (form.referenceNumber) {
    terms.add(`ref:${form.referenceNumber.toLowerCase()}`);
    terms.add(`num:${Number(form.referenceNumber.slice(4))}`);
  }
  for (const line of form.lines ?? []) {
    for (const userId of [line.userId, line.assignedUserId]) if (userId) terms.add(userIdTerm(userId));
    if (line.email) terms.add(`mail:${line.email.trim().toLowerCase()}`);
    for (const name of [line.surname, line.otherNames])
      if (name?.trim()) terms.add(`name:${name.trim().toLowerCase().replace(/\s+/g, ' ')}`.slice(0, 300));
  }
  return [...terms].map((t) => t.slice(0, 300));
}

/** The term a form naming this User ID (on a line, or assigned to an Add line) is found by. */
export const userIdTerm = (userId: string): string => `uid:${userId.trim().toLowerCase()}`;

/**
 * The terms `q` looks for: `exact` ones, and `prefix` ones whose start it is (a name). A whole
 * reference number, or its number with or without leading zeros; otherwise a User ID or an
 * e-mail, exactly, or the start of a name.
 */
export function queryTerms(q: string): { exact: string[]; prefix: string[] } {
  const text = q.trim().toLowerCase().replace(/\s+/g, ' ');
  if (/^da[34]_\d{8}$/.test(text)) return { exact: [`ref:${text}`], prefix: [] };
  if (/^\d{1,8}$/.test(text)) return { exact: [`num:${Number(text)}`], prefix: [] };
  return { exact: [`uid:${text}`, `mail:${text}`], prefix: [`name:${text}`] };
}

/** Writes the form's terms anew (inside the transaction that changed it). */
export async function indexForSearch(
  em: EntityManager,
  sql: FixedSql,
  form: Pick<EServiceForm, 'id' | 'referenceNumber' | 'lines'>,
): Promise<void> {
  await em.query(`DELETE FROM "form_search_term" WHERE "formId" = ${sql.param(1)}`, [form.id]);
  const terms = searchTerms(form);
  if (!terms.length) return;
  const rows = terms.map((_, i) => `(${sql.param(2 * i + 1)}, ${sql.param(2 * i + 2)})`).join(', ');
  await em.query(
    `INSERT INTO "form_search_term" ("formId", "term") VALUES ${rows}`,
    terms.flatMap((term) => [form.id, term]),
  );
}

/** The highest code point: `term < prefix + END` bounds a range of the index to one start. */
export const PREFIX_END = '\u{10FFFF}';
