import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { searchTerms, TERM_COLUMNS, termRow } from '../../src/eservices/form-search';
import { da4Fee } from '../../src/eservices/forms/form-content';
import { round } from './util';

/**
 * Data growth: inserts `count` forms straight into the service's SQLite file (after its
 * migrations ran, while it is stopped), in one transaction, with what the service would have
 * written along with them: the history of every step, the e-mail deliveries (SENT) and the
 * outbox rows (done). Forms are spread over every company and over the statuses below;
 * reference numbers are taken from the counters, which are moved past them.
 */
export const PRELOAD_MIX: readonly [Status, number][] = [
  ['COMPLETED', 0.72],
  ['REJECTED', 0.05],
  ['DISCARDED', 0.05],
  ['DRAFT', 0.08],
  ['READY_TO_SEND', 0.06],
  ['SENT_TO_HKEX', 0.04],
];
type Status = 'COMPLETED' | 'REJECTED' | 'DISCARDED' | 'DRAFT' | 'READY_TO_SEND' | 'SENT_TO_HKEX';

export interface PreloadReport {
  forms: number;
  historyRows: number;
  deliveries: number;
  outboxRows: number;
  searchTerms?: number;
  billingRows?: number;
  seconds: number;
  /** Of `seconds`: the rows' inserts, and building the tables' indexes after them. */
  insertSeconds?: number;
  indexSeconds?: number;
  byStatus: Record<string, number>;
  dbSizeMiB: number;
}

interface CompanyRow {
  id: string;
  shipId: string;
  clearingHouse: string;
  participantId: string;
  makerId: string;
  makerName: string;
  makerEmail: string;
  checkerId: string;
  checkerName: string;
  checkerEmail: string;
}

/** A small deterministic generator, so two runs preload the same mix. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** The tables the preload fills: their indexes are built after the rows (sorted once, not updated row by row). */
const BULK_TABLES = [
  'eservice_form',
  'form_history',
  'delivery',
  'outbox_message',
  'form_search_term',
  'billing_record',
];

/**
 * Outbox rows done longer ago than this are deleted by the service (OUTBOX_RETENTION_DAYS,
 * src/queue/outbox-retention.ts): older forms keep their history and deliveries, not those.
 */
const OUTBOX_RETENTION_DAYS = 30;

export function preloadForms(dbFile: string, count: number, onProgress: (done: number) => void): PreloadReport {
  const db = new Database(dbFile);
  const started = performance.now();
  try {
    // A bench database built once while the service is stopped: no journal, no fsync, no
    // foreign-key lookups per row (the rows reference what the loop just wrote), a 1 GiB page
    // cache. 1M forms went from over an hour (stopped at ~400k) to minutes.
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -1048576');
    db.pragma('foreign_keys = OFF');
    const indexes = db
      .prepare(
        `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
         AND tbl_name IN (${BULK_TABLES.map(() => '?').join(', ')})`,
      )
      .all(...BULK_TABLES) as { name: string; sql: string }[];
    for (const index of indexes) db.exec(`DROP INDEX "${index.name}"`);
    const operator = db
      .prepare(`SELECT id, name FROM app_user WHERE kind = 'operator' ORDER BY username LIMIT 1`)
      .get() as { id: string; name: string } | undefined;
    if (!operator) throw new Error('preload: no HKEX operator in the database');
    const companies = (
      db
        .prepare(
          `SELECT c.id AS id, p.id AS shipId, p.clearingHouse AS clearingHouse, p.participantId AS participantId
           FROM company c JOIN participantship p ON p.companyId = c.id ORDER BY c.name`,
        )
        .all() as Pick<CompanyRow, 'id' | 'shipId' | 'clearingHouse' | 'participantId'>[]
    ).flatMap((c) => {
      const users = db
        .prepare(`SELECT id, name, email, username FROM app_user WHERE companyId = ? ORDER BY username`)
        .all(c.id) as { id: string; name: string; email: string; username: string }[];
      const maker = users.find((u) => u.username.startsWith('maker@')) ?? users[0];
      const checker = users.find((u) => u.username.startsWith('checker')) ?? users[1];
      if (!maker || !checker) return [];
      return [
        {
          ...c,
          makerId: maker.id,
          makerName: maker.name,
          makerEmail: maker.email,
          checkerId: checker.id,
          checkerName: checker.name,
          checkerEmail: checker.email,
        },
      ];
    });
    if (companies.length === 0) throw new Error('preload: no company with a maker and a checker');
    const counters = Object.fromEntries(
      (
        db.prepare('SELECT formType, lastValue FROM reference_counter').all() as {
          formType: string;
          lastValue: number;
        }[]
      ).map((r) => [r.formType, r.lastValue]),
    ) as Record<string, number>;

    const insertForm = db.prepare(`INSERT INTO eservice_form (id, formType, companyId, participantshipId, clearingHouse,
      participantId, status, referenceNumber, version, createdById, submittedById, contributorIds, claimedById, claimedAt,
      confirmedById, returned, remarks, declarationAccepted, contacts, requestType, lines, accounts, arrivalCheck,
      rejectionReason, clonedFromId, createdAt, updatedAt, completionRequestedById, completionRequestedAt, completionProblems)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, 0, ?, 1, ?, ?, ?, ?, ?, ?, NULL, ?, ?, NULL, NULL, NULL)`);
    const insertHistory =
      db.prepare(`INSERT INTO form_history (formId, action, fromStatus, toStatus, actorId, actorName,
      message, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    const insertDelivery =
      db.prepare(`INSERT INTO delivery (id, formId, historyId, event, recipientEmail, recipientName,
      notificationType, status, attempts, lastError, messageId, createdAt, sentAt)
      VALUES (?, ?, ?, ?, ?, ?, ?, 'SENT', 1, NULL, ?, ?, ?)`);
    // The terms the lists' q finds a form by, as the service writes them (src/eservices/form-search.ts).
    const insertTerm = db.prepare(
      `INSERT INTO form_search_term (${TERM_COLUMNS.join(', ')}) VALUES (${TERM_COLUMNS.map(() => '?').join(', ')})`,
    );
    // A completed DA4's fee, as HKEX's completion writes it (src/eservices/processing): the billing export's rows.
    const insertBilling = db.prepare(`INSERT INTO billing_record (id, formId, participantshipId, referenceNumber,
      accounts, currency, amount, createdAt) VALUES (?, ?, ?, ?, 1, ?, ?, ?)`);
    const fee = da4Fee(1);
    const insertOutbox = db.prepare(`INSERT INTO outbox_message (queue, name, payload, createdAt, publishedAt, doneAt)
      VALUES (?, ?, ?, ?, ?, ?)`);

    const random = lcg(count);
    const byStatus: Record<string, number> = {};
    let historyRows = 0;
    let deliveries = 0;
    let outboxRows = 0;
    let terms = 0;
    let billingRows = 0;
    const now = Date.now();
    const DAY = 86_400_000;
    const pruned = new Date(now - OUTBOX_RETENTION_DAYS * DAY).toISOString();
    const pickStatus = (): Status => {
      let r = random();
      for (const [status, share] of PRELOAD_MIX) {
        if (r < share) return status;
        r -= share;
      }
      return 'COMPLETED';
    };

    db.transaction(() => {
      for (let i = 0; i < count; i++) {
        const c = companies[i % companies.length];
        const status = pickStatus();
        byStatus[status] = (byStatus[status] ?? 0) + 1;
        const formType = random() < 0.8 ? 'DA3' : 'DA4';
        const id = randomUUID();
        // Older than anything the run creates: spread over the last year, a few minutes per step.
        let t = now - DAY - Math.floor(random() * 365 * DAY);
        const stamp = (): string => new Date((t += 60_000 + Math.floor(random() * 600_000))).toISOString();
        const createdAt = stamp();
        const submitted = status !== 'DRAFT' && status !== 'DISCARDED';
        const confirmed = status === 'SENT_TO_HKEX' || status === 'COMPLETED' || status === 'REJECTED';
        const referenceNumber = submitted
          ? `${formType}_${String((counters[formType] = (counters[formType] ?? 0) + 1)).padStart(8, '0')}`
          : null;
        const steps: { action: string; from: string | null; to: string; by: 'maker' | 'checker' | 'operator' }[] = [
          { action: 'create', from: null, to: 'DRAFT', by: 'maker' },
        ];
        if (status === 'DISCARDED') steps.push({ action: 'discard', from: 'DRAFT', to: 'DISCARDED', by: 'maker' });
        if (submitted) steps.push({ action: 'submit', from: 'DRAFT', to: 'READY_TO_SEND', by: 'maker' });
        if (confirmed) {
          steps.push({ action: 'claim', from: 'READY_TO_SEND', to: 'READY_TO_SEND', by: 'checker' });
          steps.push({ action: 'confirm', from: 'READY_TO_SEND', to: 'SENT_TO_HKEX', by: 'checker' });
        }
        if (status === 'COMPLETED' || status === 'REJECTED')
          steps.push({
            action: status === 'COMPLETED' ? 'complete' : 'reject',
            from: 'SENT_TO_HKEX',
            to: status,
            by: 'operator',
          });
        const times = steps.map(() => stamp());
        const updatedAt = times[times.length - 1];
        const contacts = JSON.stringify([{ name: c.makerName, email: c.makerEmail, phone: '29790001' }]);
        const lines = formType === 'DA3' ? [{ userId: `${c.participantId}X1`, email: `old.${i}@bench-corp.hk` }] : [];
        for (const term of searchTerms({ referenceNumber, lines })) {
          insertTerm.run(termRow({ id, status, companyId: c.id, updatedAt }, term));
          terms++;
        }
        insertForm.run(
          id,
          formType,
          c.id,
          c.shipId,
          c.clearingHouse,
          c.participantId,
          status,
          referenceNumber,
          steps.length,
          c.makerId,
          submitted ? c.makerId : null,
          JSON.stringify([c.makerId]),
          confirmed ? c.checkerId : null,
          `preloaded form ${i}`,
          contacts,
          formType === 'DA3' ? 'CHANGE' : null,
          JSON.stringify(lines),
          formType === 'DA4' ? 1 : null,
          confirmed
            ? JSON.stringify({ checkedAt: times[Math.min(3, times.length - 1)], ok: true, problems: [] })
            : null,
          status === 'REJECTED' ? 'Rejected by the preload' : null,
          createdAt,
          updatedAt,
        );
        if (status === 'COMPLETED' && formType === 'DA4') {
          insertBilling.run(randomUUID(), id, c.shipId, referenceNumber, fee.currency, fee.amount, updatedAt);
          billingRows++;
        }
        const actor = (by: 'maker' | 'checker' | 'operator') =>
          by === 'maker'
            ? { id: c.makerId, name: c.makerName, email: c.makerEmail }
            : by === 'checker'
              ? { id: c.checkerId, name: c.checkerName, email: c.checkerEmail }
              : { id: operator.id, name: operator.name, email: '' };
        steps.forEach((step, k) => {
          const who = actor(step.by);
          const historyId = Number(
            insertHistory.run(id, step.action, step.from, step.to, who.id, who.name, null, times[k]).lastInsertRowid,
          );
          historyRows++;
          const event =
            step.action === 'submit'
              ? 'submitted'
              : step.action === 'confirm'
                ? 'sent-to-hkex'
                : step.action === 'complete'
                  ? 'completed'
                  : step.action === 'reject'
                    ? 'rejected'
                    : null;
          if (!event) return;
          const people =
            event === 'submitted'
              ? [{ email: c.checkerEmail, name: c.checkerName }]
              : event === 'sent-to-hkex'
                ? [{ email: c.makerEmail, name: c.makerName }]
                : [
                    { email: c.makerEmail, name: c.makerName },
                    { email: c.checkerEmail, name: c.checkerName },
                  ];
          for (const p of people) {
            const deliveryId = randomUUID();
            insertDelivery.run(
              deliveryId,
              id,
              historyId,
              event,
              p.email,
              p.name,
              event === 'submitted' ? 'For action' : 'For reference',
              `<${deliveryId}@eservices.connect.hkex.local>`,
              times[k],
              times[k],
            );
            deliveries++;
            if (times[k] < pruned) continue;
            insertOutbox.run(
              'notifications',
              'send-email',
              JSON.stringify({ deliveryId }),
              times[k],
              times[k],
              times[k],
            );
            outboxRows++;
          }
          if ((step.action === 'confirm' || step.action === 'complete') && times[k] >= pruned) {
            insertOutbox.run(
              'hkex-processing',
              step.action === 'confirm' ? 'arrival-check' : 'complete',
              JSON.stringify({ formId: id }),
              times[k],
              times[k],
              times[k],
            );
            outboxRows++;
          }
        });
        if ((i + 1) % 5000 === 0) onProgress(i + 1);
      }
      const setCounter = db.prepare('UPDATE reference_counter SET lastValue = ? WHERE formType = ?');
      for (const [formType, value] of Object.entries(counters)) setCounter.run(value, formType);
    })();
    onProgress(count);
    const inserted = performance.now();
    for (const index of indexes) db.exec(index.sql);
    const indexed = performance.now();
    db.pragma('journal_mode = WAL');
    const pages = db.pragma('page_count', { simple: true }) as number;
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    return {
      forms: count,
      historyRows,
      deliveries,
      outboxRows,
      searchTerms: terms,
      billingRows,
      byStatus,
      seconds: round((performance.now() - started) / 1000, 1),
      insertSeconds: round((inserted - started) / 1000, 1),
      indexSeconds: round((indexed - inserted) / 1000, 1),
      dbSizeMiB: round((pages * pageSize) / 1024 / 1024, 1),
    };
  } finally {
    db.close();
  }
}
