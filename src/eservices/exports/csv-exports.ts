import { Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { Caller } from '../../auth/caller';
import { CsvCell, csvStream, keysetRows, mergeOrdered } from '../../common/csv';
import { FixedSql } from '../../common/fixed-sql';
import { formatHktSortable } from '../../common/hkt';
import { Reads } from '../../common/reads';
import { HistoryEntry } from '../dto/views';
import { FormQueries } from '../form-queries';
import { hktDayStart } from '../list-sql';
import { STATUS_LABELS } from '../../common/form-status';

/** Rows per query: each page is one indexed range read; memory holds one page per source. */
export const EXPORT_PAGE = 1000;

/** `from`/`to` as Hong Kong days, inclusive; either may be left open. */
export interface HktDays {
  from?: string;
  to?: string;
}

export interface CsvDownload {
  fileName: string;
  stream: Readable;
}

type Row = Record<string, unknown>;
const text = (v: unknown): string => String(v ?? '');
const hkt = (iso: unknown): string => formatHktSortable(new Date(text(iso)));
const status = (s: unknown): string => (s ? STATUS_LABELS[s as keyof typeof STATUS_LABELS] : '');

/**
 * The CSV exports of SPEC §13: DA4 billing and the audit trail for HKEX staff, a form's history
 * for whoever may see the form. Each is read page by page by keyset (time, id) on an index and
 * written out as the client takes it: a million rows cost what a thousand do in memory.
 */
@Injectable()
export class CsvExports {
  constructor(
    private readonly reads: Reads,
    private readonly sql: FixedSql,
    private readonly queries: FormQueries,
  ) {}

  /** One line per completed DA4 (its fee), by completion time. */
  billing(days: HktDays): CsvDownload {
    const header = [
      'Reference Number',
      'Company',
      'Clearing House',
      'Participant ID',
      'Accounts',
      'Amount (HKD)',
      'Completed at (HKT)',
    ];
    const rows = keysetRows<Row, [string, string]>(
      (after) =>
        this.page(
          `SELECT b."id", b."createdAt" AS "at", b."referenceNumber", c."name" AS "company", p."clearingHouse",
                  p."participantId", b."accounts", b."amount"
             FROM "billing_record" b
             JOIN "participantship" p ON p."id" = b."participantshipId"
             JOIN "company" c ON c."id" = p."companyId"`,
          'b."createdAt"',
          'b."id"',
          days,
          after,
        ),
      (r) => [text(r.at), text(r.id)],
      EXPORT_PAGE,
    );
    return {
      fileName: `billing${rangeName(days)}.csv`,
      stream: csvStream(
        header,
        mapRows(rows, (r) => [
          text(r.referenceNumber),
          text(r.company),
          text(r.clearingHouse),
          text(r.participantId),
          Number(r.accounts),
          Number(r.amount),
          hkt(r.at),
        ]),
      ),
    };
  }

  /**
   * Every workflow action on every form and every security event of the authentication audit
   * log, in one time line. HKEX staff read it, so actors are named as recorded.
   */
  audit(days: HktDays): CsvDownload {
    const header = ['When (HKT)', 'Kind', 'Who', 'Form', 'Action', 'From', 'To', 'Message', 'IP'];
    const workflow = keysetRows<Row, [string, number]>(
      (after) =>
        this.page(
          `SELECT h."id", h."at", h."action", h."fromStatus", h."toStatus", h."actorName", h."message",
                  f."referenceNumber", f."formType"
             FROM "form_history" h
             JOIN "eservice_form" f ON f."id" = h."formId"`,
          'h."at"',
          'h."id"',
          days,
          after,
        ),
      (r) => [text(r.at), Number(r.id)],
      EXPORT_PAGE,
    );
    const security = keysetRows<Row, [string, number]>(
      (after) =>
        this.page(
          `SELECT a."id", a."at", a."event", a."username", a."ip", a."detail" FROM "audit_event" a`,
          'a."at"',
          'a."id"',
          days,
          after,
        ),
      (r) => [text(r.at), Number(r.id)],
      EXPORT_PAGE,
    );
    const merged = mergeOrdered(
      workflow,
      security,
      (r) => text(r.at),
      (r) => text(r.at),
    );
    return {
      fileName: `audit${rangeName(days)}.csv`,
      stream: csvStream(
        header,
        mapRows(merged, (r) =>
          'event' in r
            ? [hkt(r.at), 'security', text(r.username), '', text(r.event), '', '', text(r.detail), text(r.ip)]
            : [
                hkt(r.at),
                'workflow',
                text(r.actorName),
                // A draft has no reference number until it is first submitted.
                text(r.referenceNumber) || `${text(r.formType)} draft`,
                text(r.action),
                status(r.fromStatus),
                status(r.toStatus),
                text(r.message),
                '',
              ],
        ),
      ),
    };
  }

  /**
   * A form's history as its reader sees it in the console (the same rule shows HKEX to
   * participants); 404 for a form the caller may not see, before anything is sent.
   */
  async history(caller: Caller, id: string): Promise<CsvDownload> {
    const entries = await this.queries.history(caller, id);
    const [form] = (await this.reads.manager.query(
      `SELECT "referenceNumber", "formType" FROM "eservice_form" WHERE "id" = ${this.sql.param(1)}`,
      [id],
    )) as Row[];
    const name = text(form.referenceNumber) || `${text(form.formType)}-draft`;
    const header = ['When (HKT)', 'Action', 'From', 'To', 'By', 'Message', 'Changes'];
    return {
      fileName: `${name}-history.csv`,
      stream: csvStream(header, mapRows(fromArray(entries), historyRow)),
    };
  }

  /**
   * The page of `select` after the cursor, in (`at`, `id`) order, within the HKT days. The
   * comparison on the pair `(at, id)` is a range on the (at, id) index on both databases.
   */
  private page(select: string, at: string, id: string, days: HktDays, after: [string, string | number] | undefined) {
    const values: unknown[] = [];
    const p = (v: unknown): string => {
      values.push(v);
      return this.sql.param(values.length);
    };
    const where: string[] = [];
    if (days.from) where.push(`${at} >= ${p(hktDayStart(days.from, 0))}`);
    if (days.to) where.push(`${at} < ${p(hktDayStart(days.to, 1))}`);
    if (after) where.push(`(${at}, ${id}) > (${p(after[0])}, ${p(after[1])})`);
    const sql = `${select} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${at}, ${id} LIMIT ${EXPORT_PAGE}`;
    return this.reads.manager.query(sql, values) as Promise<Row[]>;
  }
}

function historyRow(h: HistoryEntry): CsvCell[] {
  const changes = (h.changes ?? []).map((c) => `${c.field}: ${shown(c.before)} → ${shown(c.after)}`).join('; ');
  return [
    formatHktSortable(new Date(h.at)),
    h.action,
    status(h.fromStatus),
    status(h.toStatus),
    h.by.name,
    h.message,
    changes,
  ];
}

const shown = (v: string | number | boolean | null): string => (v === null || v === '' ? '(empty)' : String(v));

const rangeName = (days: HktDays): string =>
  days.from || days.to ? `-${days.from ?? 'start'}-to-${days.to ?? 'today'}` : '';

async function* mapRows<T>(rows: AsyncIterable<T>, f: (row: T) => CsvCell[]): AsyncGenerator<CsvCell[]> {
  for await (const row of rows) yield f(row);
}

async function* fromArray<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}
