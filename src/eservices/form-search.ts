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
 *
 * Each term row also carries a copy of the form's `status`, `companyId` and `updatedAt` (same
 * column names as the form's), kept equal in the transaction of every write of the form: a
 * search reads (term, status, updatedAt, formId, companyId) newest first and stops after its
 * page, and counts by status without reading a form. Without them a term that many forms carry
 * (a company's DA User ID: every DA3 of the company) read and sorted every such form (bench:
 * p50 55–115 ms at 100k forms).
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

/** The form's columns its terms carry (see above). */
export type TermCarried = Pick<EServiceForm, 'id' | 'status' | 'companyId'> & { updatedAt: Date | string };
/** ... and what its terms come from. */
export type SearchedForm = TermCarried & Pick<EServiceForm, 'referenceNumber' | 'lines'>;

/** The columns of a term row, in the order `termRow` gives them. */
export const TERM_COLUMNS = ['formId', 'term', 'status', 'companyId', 'updatedAt'] as const;

/** One term row's values, in TERM_COLUMNS order (times as stored: ISO-8601 UTC text). */
export const termRow = (form: TermCarried, term: string): [string, string, string, string, string] => [
  form.id,
  term,
  form.status,
  form.companyId,
  iso(form.updatedAt),
];

const iso = (at: Date | string): string => (typeof at === 'string' ? at : at.toISOString());

/** Writes the form's terms anew (inside the transaction that changed it). */
export async function indexForSearch(em: EntityManager, sql: FixedSql, form: SearchedForm): Promise<void> {
  await em.query(`DELETE FROM "form_search_term" WHERE "formId" = ${sql.param(1)}`, [form.id]);
  const terms = searchTerms(form);
  if (!terms.length) return;
  const width = TERM_COLUMNS.length;
  const rows = terms
    .map((_, i) => `(${TERM_COLUMNS.map((_c, j) => sql.param(width * i + j + 1)).join(', ')})`)
    .join(', ');
  await em.query(
    `INSERT INTO "form_search_term" (${TERM_COLUMNS.map((c) => `"${c}"`).join(', ')}) VALUES ${rows}`,
    terms.flatMap((term) => termRow(form, term)),
  );
}

/** A write that left the terms as they were: their copy of the form's status and last update follows it. */
export async function followForSearch(
  em: EntityManager,
  sql: FixedSql,
  form: Omit<TermCarried, 'companyId'>,
): Promise<void> {
  await em.query(
    `UPDATE "form_search_term" SET "status" = ${sql.param(1)}, "updatedAt" = ${sql.param(2)} WHERE "formId" = ${sql.param(3)}`,
    [form.status, iso(form.updatedAt), form.id],
  );
}

/** The highest code point: `term < prefix + END` bounds a range of the index to one start. */
export const PREFIX_END = '\u{10FFFF}';

/** Did a completed DA3 Delete form remove this User ID from the participantship? (Found through the search terms' index.) */
export async function removedByForm(em: EntityManager, participantshipId: string, userId: string): Promise<boolean> {
  const p = (n: number): string => (em.connection.options.type === 'postgres' ? `$${n}` : '?');
  const rows: unknown[] = await em.query(
    `SELECT 1 FROM "form_search_term" t JOIN "eservice_form" f ON f."id" = t."formId"
      WHERE t."term" = ${p(1)} AND f."participantshipId" = ${p(2)} AND f."formType" = 'DA3'
        AND f."requestType" = 'DELETE' AND f."status" = 'COMPLETED' LIMIT 1`,
    [userIdTerm(userId), participantshipId],
  );
  return rows.length > 0;
}
