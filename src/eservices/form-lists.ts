import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Caller } from '../auth/caller';
import { FixedSql } from '../common/fixed-sql';
import { ListFormsQueryDto, TasksQueryDto } from './dto/query.dto';
import { EServiceForm } from './eservice-form.entity';
import { PREFIX_END, queryTerms } from './form-search';
import { TaskKind, tasksOf, toSql, visibleTo } from './workflow/policies';
import { Clock } from '../common/clock';
import { Reads } from '../common/reads';
import { FORM_STATUSES, FormStatus, OPERATOR_VISIBLE_STATUSES } from '../common/form-status';
import { ActorKind } from './workflow/transition-types';

import {
  Conditions,
  CountsByStatus,
  EXACT_TOTAL_UP_TO,
  filters,
  FormSlice,
  Kind,
  overdueFilter,
  paging,
  Params,
  SearchKind,
  TASK_COLUMNS,
  TaskForm,
  checkListFilters,
} from './list-sql';

/**
 * The forms lists and the tasks lists (SPEC §5) as fixed SQL: which filters are present picks
 * one of a few statement texts, so the driver's statement cache always hits and no query builder
 * runs. Each list is a page in (updatedAt, id) order from an index, and a count that stops at
 * EXACT_TOTAL_UP_TO + 1.
 */

@Injectable()
export class FormLists {
  private readonly sqlite: boolean;

  constructor(
    dataSource: DataSource,
    private readonly reads: Reads,
    private readonly sql: FixedSql,
    private readonly clock: Clock,
  ) {
    this.sqlite = dataSource.options.type === 'better-sqlite3';
  }

  /** The forms the caller may see (workflow/policies.ts, visibleTo): their company's, or for HKEX staff those sent to HKEX. */
  async forms(caller: Caller, kind: ActorKind, q: ListFormsQueryDto): Promise<FormSlice> {
    checkListFilters(kind, q);
    const policy = visibleTo({ id: caller.id, kind, companyId: caller.companyId });
    const statuses = kind === 'operator' ? OPERATOR_VISIBLE_STATUSES : FORM_STATUSES;
    // The policy (a status among HKEX's, or the company) reads the term's copy of those columns.
    if (q.q?.trim())
      return this.search(
        statuses.map((status) => ({ status, onTerm: policy })),
        q,
        { byReference: false, direction: 'DESC' },
      );
    const visible = (query: ListFormsQueryDto) => (where: Conditions) => {
      where.add((v) => toSql(policy, v));
      filters(where, query);
    };
    // HKEX's unfiltered list: SQLite, without statistics, would read every visible form through
    // the status index and sort them all; newest-first through (updatedAt, id) stops after a page.
    const narrowed = q.status || q.participantId || q.referenceNumber || q.company;
    const index = kind === 'operator' && !narrowed ? 'IDX_form_updated' : undefined;
    const anyStatus = visible({ ...q, status: undefined });
    const [slice, countsByStatus] = await Promise.all([
      this.slice([{ where: visible(q), index }], q, '"updatedAt" DESC, "id" DESC'),
      this.countsByStatus(statuses.map((status) => [status, anyStatus])),
    ]);
    return { ...slice, countsByStatus };
  }

  /**
   * A list with `q` (SPEC §11), read from the search terms (form-search.ts), which carry the
   * form's status, company and last update, through (term, status, updatedAt, formId, companyId):
   * for each term the query looks for and each kind of form listed (one status each), the forms
   * newest first up to the end of the page (the kind's conditions on the term's copy of the
   * form's columns, and the company and day filters, tested in the index), the page taken from
   * their union; each kind's count stops at EXACT_TOTAL_UP_TO + 1 terms, and the total is their
   * sum (the kinds partition the list). What only the form's row holds (a task's claim and
   * contributors, form type, participant, clearing house, reference number, overdue) is tested
   * on the row, found by id, for the terms of the kind's status only. A name's start is a range
   * of terms (a form can have several), read whole and sorted: names on Add lines are few per
   * form. Sorted by reference number (tasks), a kind's matches are read whole and sorted.
   */
  private async search<T>(
    kinds: SearchKind[],
    q: TasksQueryDto,
    order: { byReference: boolean; direction: 'ASC' | 'DESC' },
    columns?: readonly string[],
  ): Promise<FormSlice<T>> {
    const { pageNumber, pageSize } = paging(q);
    const offset = (pageNumber - 1) * pageSize;
    const { exact, prefix } = queryTerms(q.q!);
    type Bind = (x: unknown) => string;
    const parts: { term: (v: Bind) => string; several: boolean }[] = [
      ...exact.map((term) => ({ term: (v: Bind) => `"term" = ${v(term)}`, several: false })),
      ...prefix.map((term) => ({
        term: (v: Bind) => `"term" >= ${v(term)} AND "term" < ${v(term + PREFIX_END)}`,
        several: true,
      })),
    ];
    const { company, updatedFrom, updatedTo, formType, participantId, clearingHouse, referenceNumber, overdue } = q;
    const own = { formType, participantId, clearingHouse, referenceNumber };
    const ofForm = Object.values(own).some((x) => x !== undefined && x !== '') || overdue !== undefined;
    const now = this.clock.now();
    const terms = this.sqlite ? `"form_search_term" INDEXED BY "IDX_search_term_sorted"` : '"form_search_term"';
    /** The forms (formId, updatedAt) of one part's terms of one kind, with the list's other conditions; `tail` after the WHERE. */
    const found = (params: Params, part: (typeof parts)[number], kind: SearchKind, tail: () => string): string => {
      const where = new Conditions(params);
      where.add(part.term);
      // The same column names as the form's: the conditions read the term's copy of them.
      where.add(() => `"status" = '${kind.status}'`);
      if (kind.onTerm) where.add((v) => toSql(kind.onTerm!, v));
      filters(where, { company, updatedFrom, updatedTo });
      // The rest on the form's row (unqualified names resolve to the innermost table).
      if (ofForm || kind.onForm)
        where.add(() => {
          const form = new Conditions(params);
          if (kind.onForm) form.add((v) => toSql(kind.onForm!, v));
          filters(form, own);
          overdueFilter(form, overdue, now);
          return `EXISTS (SELECT 1 FROM "eservice_form" WHERE "eservice_form"."id" = "form_search_term"."formId" AND ${form.sql})`;
        });
      // tail() binds after the WHERE's values: SQLite's placeholders are numbered in the order of the text.
      return `SELECT ${part.several ? 'DISTINCT ' : ''}"formId", "updatedAt" FROM ${terms} WHERE ${where.sql} ${tail()}`;
    };
    const { byReference, direction } = order;
    const termOrder = `"updatedAt" ${direction}, "formId" ${direction}`;
    const formOrder = `${byReference ? '"referenceNumber"' : '"updatedAt"'} ${direction}, "id" ${direction}`;
    const listed = kinds.filter((kind) => !q.status || kind.status === q.status);
    const pageParams = new Params((n) => this.sql.param(n));
    let alias = 0;
    const branches = listed.flatMap((kind) =>
      parts.map((part) => {
        const sql = found(pageParams, part, kind, () =>
          byReference ? '' : `ORDER BY ${termOrder} LIMIT ${pageParams.bind(offset + pageSize)}`,
        );
        return `SELECT "formId", "updatedAt" FROM (${sql}) AS "s${alias++}"`;
      }),
    );
    const union = branches.join(' UNION ');
    const selected = columns ? columns.map((c) => `"${c}"`).join(', ') : '*';
    const pageSql = byReference
      ? `SELECT ${selected} FROM "eservice_form" WHERE "id" IN (SELECT "formId" FROM (${union}) AS "found")` +
        ` ORDER BY ${formOrder} LIMIT ${pageParams.bind(pageSize)} OFFSET ${pageParams.bind(offset)}`
      : `SELECT ${selected} FROM "eservice_form" WHERE "id" IN (SELECT "formId" FROM (${union}) AS "found"` +
        ` ORDER BY ${termOrder} LIMIT ${pageParams.bind(pageSize)} OFFSET ${pageParams.bind(offset)})` +
        ` ORDER BY ${formOrder}`;
    // Each kind's count: the union of each part's forms, each stopping at EXACT_TOTAL_UP_TO + 1.
    const countParams = new Params((n) => this.sql.param(n));
    const limit = `LIMIT ${EXACT_TOTAL_UP_TO + 1}`;
    const countSql = `SELECT ${kinds
      .map(
        (kind, i) =>
          `(SELECT COUNT(*) FROM (${parts
            .map((part, j) => `SELECT "formId" FROM (${found(countParams, part, kind, () => limit)}) AS "p${i}_${j}"`)
            .join(' UNION ')}) AS "c${i}") AS "n${i}"`,
      )
      .join(', ')}`;
    const [forms, [row]] = await Promise.all([
      branches.length ? this.sql.many(this.reads.manager, EServiceForm, pageSql, pageParams.values) : [],
      this.reads.manager.query(countSql, countParams.values) as Promise<Record<string, number | string>[]>,
    ]);
    const countsByStatus: CountsByStatus = {};
    let n = 0;
    kinds.forEach((kind, i) => {
      const count = Number(row[`n${i}`]);
      countsByStatus[kind.status] = { count: Math.min(count, EXACT_TOTAL_UP_TO), exact: count <= EXACT_TOTAL_UP_TO };
      if (listed.includes(kind)) n += count;
    });
    return {
      forms: forms as T[],
      page: pageNumber,
      pageSize,
      total: Math.min(n, EXACT_TOTAL_UP_TO),
      totalExact: n <= EXACT_TOTAL_UP_TO,
      countsByStatus,
    };
  }

  /**
   * What waits for the caller (workflow/policies.ts, tasksOf). Operators: Sent to HKEX,
   * unclaimed or claimed by them. Participants: their company's forms Ready to Send that they
   * may check (unclaimed or claimed by them), and Drafts returned to them: two kinds, each read
   * on its own (see slice); the forms to check are counted from (companyId, status, returned,
   * claimedById, contributorIds) without reading their rows, the returned drafts found by `returned`.
   */
  async tasks(caller: Caller, kind: ActorKind, q: TasksQueryDto): Promise<FormSlice<TaskForm>> {
    checkListFilters(kind, q);
    const sort = q.sort ?? '-lastUpdate';
    const direction = sort.startsWith('-') ? 'DESC' : 'ASC';
    const byReference = sort.endsWith('referenceNumber');
    const order = `${byReference ? '"referenceNumber"' : '"updatedAt"'} ${direction}, "id" ${direction}`;
    // The forms to check in the sort's order from (companyId, status, <sort key>, id); the drafts
    // returned to the caller, a handful, found through `returned` and sorted.
    const index: Record<TaskKind['name'], string | undefined> = {
      'to-check': byReference ? 'IDX_form_company_status_reference' : 'IDX_form_company_status_updated',
      returned: 'IDX_form_checker_tasks',
      'to-process': undefined,
    };
    const branch =
      (task: TaskKind, query: TasksQueryDto = q) =>
      (where: Conditions) => {
        where.add((v) => toSql(task.where, v));
        filters(where, query);
        overdueFilter(where, query.overdue, this.clock.now());
      };
    const anyStatus = { ...q, status: undefined };
    const tasks = tasksOf({ id: caller.id, kind, companyId: caller.companyId });
    // HKEX's tasks with q: from the terms of the task's status, the task's condition on the form's
    // row (every form Sent to HKEX tested against the terms was 20 ms at 100k). A participant's
    // tasks are bounded by the company's forms of the task's status: read as below, each tested
    // against its own terms (bench at 1M: 22 ms p50 from the terms, whose Drafts of a company's
    // DA User ID are many, and none of them returned to the caller).
    if (q.q?.trim() && kind === 'operator')
      return this.search(
        tasks.map((task) => ({ status: task.status, onForm: task.where })),
        q,
        { byReference, direction },
        TASK_COLUMNS,
      );
    const [slice, countsByStatus] = await Promise.all([
      this.slice(
        tasks.map((task) => ({ where: branch(task), index: index[task.name] })),
        q,
        order,
        TASK_COLUMNS,
        false,
      ),
      this.countsByStatus(tasks.map((task) => [task.status, branch(task, anyStatus)])),
    ]);
    // Each kind of task has a status of its own: the total is the listed statuses' counts summed,
    // not counted again (with q, each count tests every candidate's terms).
    const listed = tasks.filter((task) => !q.status || task.status === q.status).map((t) => countsByStatus[t.status]!);
    const sum = listed.reduce((n, c) => n + c.count, 0);
    const exact = listed.every((c) => c.exact) && sum <= EXACT_TOTAL_UP_TO;
    return { ...slice, total: Math.min(sum, EXACT_TOTAL_UP_TO), totalExact: exact, countsByStatus };
  }

  /**
   * Each status's count, from its own condition, stopping at EXACT_TOTAL_UP_TO + 1 matches:
   * one statement of capped subqueries, each answered from an index that starts with status
   * (or companyId, status).
   */
  private async countsByStatus(byStatus: [FormStatus, (where: Conditions) => void][]): Promise<CountsByStatus> {
    const params = new Params((n) => this.sql.param(n));
    const table = '"eservice_form"';
    const columns = byStatus.map(([status, where], i) => {
      const conditions = new Conditions(params);
      where(conditions);
      conditions.add((v) => `"status" = ${v(status)}`);
      return `(SELECT COUNT(*) FROM (SELECT 1 FROM ${table} WHERE ${conditions.sql} LIMIT ${EXACT_TOTAL_UP_TO + 1}) AS "c${i}") AS "n${i}"`;
    });
    const [row] = (await this.reads.manager.query(`SELECT ${columns.join(', ')}`, params.values)) as Record<
      string,
      number | string
    >[];
    const counts: CountsByStatus = {};
    byStatus.forEach(([status], i) => {
      const n = Number(row[`n${i}`]);
      counts[status] = { count: Math.min(n, EXACT_TOTAL_UP_TO), exact: n <= EXACT_TOTAL_UP_TO };
    });
    return counts;
  }

  /**
   * One page of the forms of the `kinds` (disjoint conditions), and their count. With one kind,
   * one SELECT in index order. With several, each kind is read in order on its own, up to the end
   * of the page (each from an index that holds its status), and the page is taken from their
   * union: one query with an OR would walk all the company's forms, reading each row to test it.
   * The count is the sum of the kinds', each stopping at EXACT_TOTAL_UP_TO + 1 matches.
   */
  private async slice(
    kinds: Kind[],
    q: { page?: number; pageSize?: number },
    order: string,
    columns?: readonly string[],
    counted = true,
  ): Promise<Omit<FormSlice, 'countsByStatus'>> {
    const { pageNumber, pageSize } = paging(q);
    const offset = (pageNumber - 1) * pageSize;
    const placeholder = (n: number) => this.sql.param(n);
    const selected = columns ? columns.map((c) => `"${c}"`).join(', ') : '*';
    const pageParams = new Params(placeholder);
    const where = (kind: Kind, params: Params) => {
      const conditions = new Conditions(params);
      kind.where(conditions);
      return conditions.sql;
    };
    const from = (kind: Kind) =>
      this.sqlite && kind.index ? `"eservice_form" INDEXED BY "${kind.index}"` : '"eservice_form"';
    let pageSql: string;
    if (kinds.length === 1) {
      pageSql = `SELECT ${selected} FROM ${from(kinds[0])} WHERE ${where(kinds[0], pageParams)} ORDER BY ${order}`;
    } else {
      pageSql = kinds
        .map(
          (kind, i) =>
            `SELECT ${selected} FROM (SELECT ${selected} FROM ${from(kind)} WHERE ${where(kind, pageParams)}` +
            ` ORDER BY ${order} LIMIT ${pageParams.bind(offset + pageSize)}) AS "k${i}"`,
        )
        .join(' UNION ALL ');
      pageSql += ` ORDER BY ${order}`;
    }
    pageSql += ` LIMIT ${pageParams.bind(pageSize)} OFFSET ${pageParams.bind(offset)}`;
    const countParams = new Params(placeholder);
    const counts = kinds.map(
      (kind, i) =>
        `(SELECT COUNT(*) FROM (SELECT 1 FROM "eservice_form" WHERE ${where(kind, countParams)} LIMIT ${EXACT_TOTAL_UP_TO + 1}) AS "m${i}")`,
    );
    const [forms, countRows] = await Promise.all([
      this.sql.many(this.reads.manager, EServiceForm, pageSql, pageParams.values),
      counted
        ? (this.reads.manager.query(`SELECT ${counts.join(' + ')} AS "n"`, countParams.values) as Promise<
            { n: number | string }[]
          >)
        : [{ n: 0 }],
    ]);
    const n = Number(countRows[0].n);
    return {
      forms,
      page: pageNumber,
      pageSize,
      total: Math.min(n, EXACT_TOTAL_UP_TO),
      totalExact: n <= EXACT_TOTAL_UP_TO,
    };
  }
}
