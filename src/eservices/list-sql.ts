import { DomainError } from '../common/errors';
import { FormStatus } from '../common/form-status';
import { ListFormsQueryDto } from './dto/query.dto';
import { EServiceForm } from './eservice-form.entity';
import { PREFIX_END, queryTerms } from './form-search';
import { Predicate } from './workflow/policies';
import { ActorKind } from './workflow/transition-types';

/** The parts the lists' fixed SQL is made of (form-lists.ts): limits, parameters, conditions, filters and paging. */

/**
 * A list's `total` is exact up to this many forms; beyond it the list says "at least this many"
 * (`totalExact: false`). Counting every match of a large list was what grew with the data
 * (a company's 20,000 forms, HKEX's hundreds of thousands), and no one pages through a
 * thousand tasks: they filter.
 */
export const EXACT_TOTAL_UP_TO = 1000;

/**
 * Pages reach the first 10,000 forms of a list (page × pageSize); further back, a filter
 * (status, form type, participant) narrows the list. A deeper OFFSET would walk that many
 * rows on every request.
 */
export const PAGING_WINDOW = 10_000;

/** The columns a row of the tasks list shows (SPEC §5): a task page reads these alone. */
export const TASK_COLUMNS = [
  'id',
  'companyId',
  'participantId',
  'clearingHouse',
  'formType',
  'referenceNumber',
  'status',
  'updatedAt',
  'dueAt',
] as const;
export type TaskForm = Pick<EServiceForm, (typeof TASK_COLUMNS)[number]>;

export interface StatusCount {
  count: number;
  exact: boolean;
}
export type CountsByStatus = Partial<Record<FormStatus, StatusCount>>;

export interface FormSlice<T = EServiceForm> {
  forms: T[];
  page: number;
  pageSize: number;
  total: number;
  totalExact: boolean;
  /**
   * How many forms of each status the list holds with every filter but `status` (so a console
   * shows the other statuses' counts beside the one chosen), each exact up to EXACT_TOTAL_UP_TO.
   */
  countsByStatus: CountsByStatus;
}

/** Parameters of one statement, numbered for the database's placeholders. */
export class Params {
  readonly values: unknown[] = [];

  constructor(private readonly placeholder: (n: number) => string) {}

  /** Binds x; returns its placeholder. */
  bind(x: unknown): string {
    this.values.push(x);
    return this.placeholder(this.values.length);
  }
}

/** The WHERE conditions of one SELECT, joined by AND, binding into one statement's parameters. */
export class Conditions {
  private readonly parts: string[] = [];

  constructor(private readonly params: Params) {}

  /** One condition; `value(x)` binds x and returns its placeholder. */
  add(condition: (value: (x: unknown) => string) => string): this {
    this.parts.push(condition((x) => this.params.bind(x)));
    return this;
  }

  get sql(): string {
    return this.parts.join(' AND ');
  }
}

/** One kind of form a search lists (FormLists.search): its status, and its conditions on the term row or on the form's. */
export interface SearchKind {
  status: FormStatus;
  onTerm?: Predicate;
  onForm?: Predicate;
}

/** One kind of form a list shows: its conditions, and on SQLite the index to read it through. */
export interface Kind {
  where: (conditions: Conditions) => void;
  /** SQLite's planner has no statistics here and can choose an index that walks far more rows. */
  index?: string;
}

export function filters(where: Conditions, q: ListFormsQueryDto): void {
  if (q.status) where.add((v) => `"status" = ${v(q.status)}`);
  if (q.formType) where.add((v) => `"formType" = ${v(q.formType)}`);
  if (q.participantId) where.add((v) => `"participantId" = ${v(q.participantId!.toUpperCase())}`);
  if (q.referenceNumber) where.add((v) => `"referenceNumber" = ${v(q.referenceNumber!.toUpperCase())}`);
  if (q.q?.trim()) {
    const { exact, prefix } = queryTerms(q.q);
    where.add((v) => {
      const found = [
        ...exact.map((term) => `"term" = ${v(term)}`),
        ...prefix.map((term) => `("term" >= ${v(term)} AND "term" < ${v(term + PREFIX_END)})`),
      ];
      // Per form, through the form's own terms: the tasks' forms are bounded by company and status,
      // where the forms of a common term (a company's DA User ID) are not.
      return `EXISTS (SELECT 1 FROM "form_search_term" WHERE "form_search_term"."formId" = "eservice_form"."id" AND (${found.join(' OR ')}))`;
    });
  }
  if (q.clearingHouse) where.add((v) => `"clearingHouse" = ${v(q.clearingHouse)}`);
  if (q.company) where.add((v) => `"companyId" = ${v(q.company!.toLowerCase())}`);
  // Times are stored as ISO-8601 UTC text: a Hong Kong day is a half-open range of it.
  if (q.updatedFrom) where.add((v) => `"updatedAt" >= ${v(hktDayStart(q.updatedFrom!, 0))}`);
  if (q.updatedTo) where.add((v) => `"updatedAt" < ${v(hktDayStart(q.updatedTo!, 1))}`);
}

/** SPEC §13 `overdue=true`: Sent to HKEX past the due moment (`false`: every other task). */
export function overdueFilter(where: Conditions, overdue: boolean | undefined, now: Date): void {
  if (overdue === undefined) return;
  const late = (v: (x: unknown) => string) =>
    `("status" = 'SENT_TO_HKEX' AND "dueAt" IS NOT NULL AND "dueAt" < ${v(now.toISOString())})`;
  where.add((v) => (overdue ? late(v) : `NOT ${late(v)}`));
}

/** The UTC instant, as stored, at which the Hong Kong day `day` (+ `plusDays`) begins. */
export function hktDayStart(day: string, plusDays: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + plusDays) - 8 * 3600_000).toISOString();
}

/**
 * The refusals a list's filters can meet beyond their own shape (the DTO checks that): `company`
 * is HKEX's to use (a participant sees one company), a range that ends before it begins.
 */
export function checkListFilters(kind: ActorKind, q: ListFormsQueryDto): void {
  const errors: { field: string; message: string }[] = [];
  if (q.company && kind !== 'operator')
    errors.push({ field: 'company', message: 'company is for HKEX staff; a participant sees its own company' });
  if (q.updatedFrom && q.updatedTo && q.updatedFrom > q.updatedTo)
    errors.push({ field: 'updatedTo', message: 'updatedTo is before updatedFrom' });
  if (errors.length) throw new DomainError('VALIDATION', 'The filters of the list are invalid.', undefined, errors);
}

export function paging(q: { page?: number; pageSize?: number }): { pageNumber: number; pageSize: number } {
  const pageNumber = q.page ?? 1;
  const pageSize = q.pageSize ?? 20;
  if (pageNumber * pageSize > PAGING_WINDOW)
    throw new DomainError(
      'VALIDATION',
      `Pages reach the first ${PAGING_WINDOW.toLocaleString('en')} forms of a list (page × pageSize); narrow it with status, formType or participantId.`,
      undefined,
      [{ field: 'page', message: `page × pageSize must be at most ${PAGING_WINDOW}` }],
    );
  return { pageNumber, pageSize };
}
