import { SystemClock } from '../../src/common/clock';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { Caller } from '../../src/auth/caller';
import { FixedSql } from '../../src/common/fixed-sql';
import { Reads } from '../../src/common/reads';
import { dataSourceOptions } from '../../src/config/data-source-options';
import { EServiceForm } from '../../src/eservices/eservice-form.entity';
import { FormLists } from '../../src/eservices/form-lists';
import { EXACT_TOTAL_UP_TO, PAGING_WINDOW, TASK_COLUMNS } from '../../src/eservices/list-sql';
import { Company } from '../../src/registry/company.entity';
import { Participantship } from '../../src/registry/participantship.entity';
import { FormStatus } from '../../src/common/form-status';

/**
 * The forms and tasks lists on the real schema (migrations) in a real SQLite file, with more
 * forms than the exact count goes to: the count stops, the pages stay newest first, and
 * HKEX's unfiltered list is read in index order instead of sorted.
 */
describe('FormLists on SQLite', () => {
  let dir: string;
  let dataSource: DataSource;
  let lists: FormLists;
  let reads: Reads;
  const companyA = randomUUID();
  const companyB = randomUUID();
  const maker = randomUUID();
  const checker = randomUUID();
  const caller = (id: string, companyId: string | null, kind: 'participant' | 'operator') =>
    ({ id, companyId, kind }) as unknown as Caller;
  let clock = Date.parse('2026-01-01T00:00:00Z');

  const insertForms = async (
    companyId: string,
    count: number,
    status: FormStatus,
    extra: Partial<EServiceForm> = {},
  ) => {
    const sql = new FixedSql(dataSource);
    const ids: string[] = [];
    await dataSource.transaction(async (em) => {
      for (let i = 0; i < count; i++) {
        const at = new Date((clock += 1000));
        const id = randomUUID();
        ids.push(id);
        await sql.insert(em, EServiceForm, {
          id,
          formType: i % 5 === 0 ? 'DA4' : 'DA3',
          companyId,
          participantshipId: companyId,
          clearingHouse: 'HKSCC',
          participantId: companyId === companyA ? 'B01234' : 'B05678',
          status,
          referenceNumber: status === 'DRAFT' ? null : `DA3_${String(clock / 1000).slice(-8)}`,
          version: 1,
          createdById: maker,
          submittedById: status === 'DRAFT' ? null : maker,
          contributorIds: [maker],
          claimedById: null,
          claimedAt: null,
          confirmedById: null,
          returned: false,
          remarks: null,
          declarationAccepted: true,
          contacts: [],
          requestType: 'CHANGE',
          lines: [],
          accounts: null,
          arrivalCheck: null,
          rejectionReason: null,
          clonedFromId: null,
          completionRequestedById: null,
          completionRequestedAt: null,
          completionProblems: null,
          createdAt: at,
          updatedAt: at,
          ...extra,
        });
      }
    });
    return ids;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'eservices-lists-'));
    dataSource = new DataSource(dataSourceOptions(`sqlite://${join(dir, 'db.sqlite')}`));
    await dataSource.initialize();
    await dataSource.runMigrations();
    reads = await Reads.open(dataSource);
    lists = new FormLists(dataSource, reads, new FixedSql(dataSource), new SystemClock());
    for (const [id, pid] of [
      [companyA, 'B01234'],
      [companyB, 'B05678'],
    ]) {
      await dataSource.manager.insert(Company, { id, name: `Company ${pid}` });
      await dataSource.manager.insert(Participantship, {
        id,
        companyId: id,
        clearingHouse: 'HKSCC',
        participantId: pid,
        kind: 'CP',
        userIdPrefix: pid,
        maxUsers: 70,
      });
    }
  });
  afterAll(async () => {
    await reads.onApplicationShutdown();
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts exactly up to the limit, then says "at least" — per company, never across', async () => {
    await insertForms(companyB, 3, 'READY_TO_SEND');
    await insertForms(companyA, EXACT_TOTAL_UP_TO, 'READY_TO_SEND');
    const exact = await lists.forms(caller(maker, companyA, 'participant'), 'participant', {});
    expect(exact).toMatchObject({ total: EXACT_TOTAL_UP_TO, totalExact: true, page: 1, pageSize: 20 });
    expect(exact.forms.every((f) => f.companyId === companyA)).toBe(true);

    const newest = await insertForms(companyA, 1, 'READY_TO_SEND');
    const over = await lists.forms(caller(maker, companyA, 'participant'), 'participant', {});
    expect(over).toMatchObject({ total: EXACT_TOTAL_UP_TO, totalExact: false });
    expect(over.forms[0].id).toBe(newest[0]);
    expect(over.forms[0]).toBeInstanceOf(EServiceForm);
    expect(over.forms[0].contributorIds).toEqual([maker]);

    const other = await lists.forms(caller(maker, companyB, 'participant'), 'participant', {});
    expect(other).toMatchObject({ total: 3, totalExact: true });
  });

  it("a checker's tasks count stops at the limit too, and excludes what they contributed to", async () => {
    const tasks = await lists.tasks(caller(checker, companyA, 'participant'), 'participant', { pageSize: 5 });
    expect(tasks).toMatchObject({ total: EXACT_TOTAL_UP_TO, totalExact: false, pageSize: 5 });
    expect(tasks.forms).toHaveLength(5);
    // A task row needs a few columns; only those are read.
    const read = Object.entries(tasks.forms[0]).filter(([, value]) => value !== undefined);
    expect(read.map(([key]) => key).sort()).toEqual([...TASK_COLUMNS].sort());
    const updated = tasks.forms.map((f) => f.updatedAt.getTime());
    expect(updated).toEqual([...updated].sort((a, b) => b - a));
    // The maker contributed to every one of them: none is their task.
    const own = await lists.tasks(caller(maker, companyA, 'participant'), 'participant', {});
    expect(own).toMatchObject({ total: 0, totalExact: true, forms: [] });
  });

  it("drafts returned to the maker are the maker's tasks, counted beside the forms to check, from an index", async () => {
    const returned = await insertForms(companyA, 2, 'DRAFT', { returned: true });
    await insertForms(companyA, 3, 'DRAFT');
    const makers = await lists.tasks(caller(maker, companyA, 'participant'), 'participant', {});
    expect(makers).toMatchObject({ total: 2, totalExact: true });
    expect(makers.forms.map((f) => f.id)).toEqual([...returned].reverse());
    const checkers = await lists.tasks(caller(checker, companyA, 'participant'), 'participant', { status: 'DRAFT' });
    expect(checkers).toMatchObject({ total: 0, totalExact: true, forms: [] });

    // The count's statement, explained: both kinds found through the index, the forms to check
    // without reading a form's row.
    const query = jest.spyOn(reads.manager, 'query');
    await lists.tasks(caller(checker, companyA, 'participant'), 'participant', {});
    const [countSql, params] = query.mock.calls.find(([text]) => text.startsWith('SELECT (SELECT COUNT'))!;
    query.mockRestore();
    const plan = ((await dataSource.query(`EXPLAIN QUERY PLAN ${countSql}`, params)) as { detail: string }[])
      .map((p) => p.detail)
      .join('\n');
    expect(plan).toMatch(/COVERING INDEX IDX_form_checker_tasks \(companyId=\? AND status=\?\)/);
    expect(plan).toMatch(/INDEX IDX_form_checker_tasks \(companyId=\? AND status=\? AND returned=\?\)/);
  });

  it("a checker's page merges the forms to check and the drafts returned to them, in every sort, on every page", async () => {
    // A second maker: their returned drafts and the first maker's forms to check are both theirs to act on.
    const other = randomUUID();
    await insertForms(companyA, 3, 'DRAFT', { returned: true, createdById: other, contributorIds: [other] });
    await insertForms(companyA, 2, 'READY_TO_SEND', { claimedById: other, claimedAt: new Date() });
    await insertForms(companyA, 2, 'DRAFT', { returned: true, createdById: other, contributorIds: [other] });
    const who = caller(other, companyA, 'participant');
    // The plain query of the two kinds, as the oracle.
    const expected = async (key: 'updatedAt' | 'referenceNumber', dir: 'ASC' | 'DESC', limit: number, offset: number) =>
      (
        (await dataSource.query(
          `SELECT id FROM eservice_form WHERE companyId = ? AND ((status = 'READY_TO_SEND' AND contributorIds NOT LIKE ?
             AND (claimedById IS NULL OR claimedById = ?)) OR (status = 'DRAFT' AND returned = 1 AND (createdById = ? OR submittedById = ?)))
           ORDER BY ${key} ${dir}, id ${dir} LIMIT ? OFFSET ?`,
          [companyA, `%"${other}"%`, other, other, other, limit, offset],
        )) as { id: string }[]
      ).map((r) => r.id);
    for (const sort of ['lastUpdate', '-lastUpdate', 'referenceNumber', '-referenceNumber'] as const) {
      const key = sort.endsWith('referenceNumber') ? 'referenceNumber' : 'updatedAt';
      const dir = sort.startsWith('-') ? 'DESC' : 'ASC';
      for (const [page, pageSize] of [
        [1, 7],
        [2, 7],
        [3, 7],
        [100, 10],
        [143, 7],
      ]) {
        const got = await lists.tasks(who, 'participant', { sort, page, pageSize });
        expect({ sort, page, ids: got.forms.map((f) => f.id) }).toEqual({
          sort,
          page,
          ids: await expected(key, dir, pageSize, (page - 1) * pageSize),
        });
      }
    }
    const newest = await lists.tasks(who, 'participant', { pageSize: 3 });
    expect(newest.forms.map((f) => f.status)).toEqual(['DRAFT', 'DRAFT', 'READY_TO_SEND']);
    expect(newest).toMatchObject({ total: EXACT_TOTAL_UP_TO, totalExact: false });
  });

  it('pages stay in order and reach the paging window, not past it', async () => {
    const who = caller(maker, companyA, 'participant');
    const [p1, p2] = await Promise.all([
      lists.forms(who, 'participant', { page: 1, pageSize: 100 }),
      lists.forms(who, 'participant', { page: 2, pageSize: 100 }),
    ]);
    expect(p1.forms.at(-1)!.updatedAt.getTime()).toBeGreaterThan(p2.forms[0].updatedAt.getTime());
    const last = await lists.forms(who, 'participant', { page: PAGING_WINDOW / 100, pageSize: 100 });
    expect(last.forms).toEqual([]);
    await expect(
      lists.forms(who, 'participant', { page: PAGING_WINDOW / 100 + 1, pageSize: 100 }),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    await expect(lists.tasks(who, 'participant', { page: PAGING_WINDOW + 1 })).rejects.toMatchObject({
      code: 'VALIDATION',
    });
  });

  it("HKEX's list: forms sent to HKEX and after, newest first; every list read in index order, not sorted whole", async () => {
    const sent = await insertForms(companyB, 3, 'SENT_TO_HKEX');
    const done = await insertForms(companyA, 2, 'COMPLETED');
    await insertForms(companyA, 2, 'DRAFT');
    const operator = caller(randomUUID(), null, 'operator');
    const all = await lists.forms(operator, 'operator', {});
    const reversed = (ids: string[]) => [...ids].reverse();
    expect(all.forms.map((f) => f.id)).toEqual([...reversed(done), ...reversed(sent)]);
    expect(all).toMatchObject({ total: 5, totalExact: true });
    const onB = await lists.forms(operator, 'operator', { participantId: 'b05678' });
    expect(onB.forms.map((f) => f.id)).toEqual(reversed(sent));
    const tasks = await lists.tasks(operator, 'operator', {});
    expect(tasks.forms.map((f) => f.id)).toEqual(reversed(sent));

    // The statements the lists ran, explained: no sort of all the visible or waiting forms.
    const pagePlan = async (list: () => Promise<unknown>) => {
      const query = jest.spyOn(reads.manager, 'query');
      await list();
      const [pageSql, params] = query.mock.calls.find(([text]) => !text.startsWith('SELECT (SELECT COUNT'))!;
      query.mockRestore();
      const plan = (await dataSource.query(`EXPLAIN QUERY PLAN ${pageSql}`, params)) as { detail: string }[];
      return plan.map((p) => p.detail).join('\n');
    };
    const newestFirst = await pagePlan(() => lists.forms(operator, 'operator', {}));
    expect(newestFirst).toMatch(/IDX_form_updated/);
    expect(newestFirst).not.toMatch(/TEMP B-TREE/);
    const byReference = await pagePlan(() => lists.tasks(operator, 'operator', { sort: 'referenceNumber' }));
    expect(byReference).toMatch(/IDX_form_status_reference/);
    expect(byReference).not.toMatch(/TEMP B-TREE/);
    // A checker's page: the forms to check in order from their index, the returned drafts by `returned`.
    const checkers = await pagePlan(() => lists.tasks(caller(checker, companyA, 'participant'), 'participant', {}));
    expect(checkers).toMatch(/IDX_form_company_status_updated \(companyId=\? AND status=\?\)/);
    expect(checkers).toMatch(/IDX_form_checker_tasks \(companyId=\? AND status=\? AND returned=\?\)/);
  });
});
