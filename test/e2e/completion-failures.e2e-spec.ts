import { Job, Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { OutboxService } from '../../src/queue/outbox.service';
import { jobIdOf, QUEUE_NAMES } from '../../src/queue/queues';
import { Participantship } from '../../src/registry/participantship.entity';
import { UserProfile } from '../../src/registry/user-profile.entity';
import {
  CompanyFixture,
  crewOf,
  expectProblem,
  expectUnchanged,
  formState,
  historyOf,
  listingOf,
  loadCompany,
  loadOperator,
} from '../support/fixtures';
import { outboxRows } from '../support/mail';
import { SmtpSink } from '../support/smtp-sink';
import { Api, expectStatus, FormJson, startTestApp, TestApp, USERS } from '../support/test-app';
import { completionSettled, sentToHkex, waitForForm } from '../support/workflow';

/**
 * Issue 11, 6c: no form is left stuck at HKEX. `complete` answers 202 and a worker applies it;
 * a completion the worker refuses (the registry changed meanwhile) or cannot apply at all (every
 * attempt failed) is recorded in the history with its reason, shown on the form, e-mailed to the
 * operator who asked for it (not to the participants), and the form waits in the operators'
 * tasks to be completed again or rejected. While a completion is pending no other operator's
 * claim or release can silently cancel it. Real worker, real Redis, real SMTP on loopback.
 */
jest.setTimeout(180_000);

/** Queued work lands asynchronously, and on a busy machine slowly. */
const SETTLE_MS = 30_000;

describe('A completion the worker cannot apply', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let operator: Api;
  let processing: Queue;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({ env: { SMTP_URL: sink.url } });
    operator = await t.as(USERS.operator);
    processing = t.app.get(OutboxService).queue(QUEUE_NAMES.processing);
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  /** Completions requested inside `requests` wait in the queue until it returns: the registry can change meanwhile. */
  async function withWorkersHeld<T>(requests: () => Promise<T>): Promise<T> {
    await processing.pause();
    try {
      return await requests();
    } finally {
      await processing.resume();
    }
  }

  const addLine = (co: CompanyFixture, surname: string) => ({
    surname,
    otherNames: 'TEST',
    email: co.email(surname.toLowerCase()),
    daRole: 'checker',
  });

  const mailsAbout = (reference: string) => sink.messages.filter((m) => m.subject.includes(reference));

  it('refused because the registry changed: recorded, shown, e-mailed to the operator; completed again once fixed', async () => {
    // Room for one more user: two Add forms, each fine on its own, compete for it.
    const co = await loadCompany(t, { maxUsers: 5 });
    const forms = [
      await sentToHkex(t, co.da3({ requestType: 'ADD', lines: [addLine(co, 'FIRST')] }), crewOf(co)),
      await sentToHkex(t, co.da3({ requestType: 'ADD', lines: [addLine(co, 'SECOND')] }), crewOf(co)),
    ];
    const requested = await withWorkersHeld(async () => {
      const answers = [];
      for (const f of forms) answers.push((await expectStatus(operator.act(f.id, 'complete'), 202)).body as FormJson);
      // Pending right after the 202, until the worker commits: nothing else has changed yet.
      for (const f of forms) {
        const now = (await expectStatus(operator.get(`/eservices/${f.id}`), 200)).body as FormJson;
        expect(now).toMatchObject({
          status: 'SENT_TO_HKEX',
          completion: { state: 'pending', by: { name: 'HKEX Operator 1' }, at: expect.any(String) },
        });
      }
      return answers;
    });
    expect(requested.map((f) => f.completion?.state)).toEqual(['pending', 'pending']);

    const settled = await Promise.all(forms.map((f) => waitForForm(operator, f.id, completionSettled, SETTLE_MS)));
    const done = settled.filter((f) => f.status === 'COMPLETED');
    const refused = settled.filter((f) => f.status !== 'COMPLETED');
    expect(done).toHaveLength(1);
    expect(refused).toHaveLength(1);
    const failed = refused[0];
    expect(failed).toMatchObject({
      status: 'SENT_TO_HKEX',
      completionRequested: null,
      completion: {
        state: 'failed',
        at: expect.any(String),
        reason: expect.stringMatching(/not applied: no free user account: 6 users would exceed the maximum of 5/),
        problems: [{ field: 'lines', message: expect.stringMatching(/no free user account/) }],
      },
    });
    const maker = await t.as(co.maker);
    const history = await historyOf(operator, failed.id);
    expect(history[history.length - 1]).toMatchObject({
      action: 'completion-failed',
      fromStatus: 'SENT_TO_HKEX',
      toStatus: 'SENT_TO_HKEX',
      by: { name: 'HKEX Operator 1' },
      message: failed.completion.reason,
    });
    expect(history.filter((h) => h.action === 'completion-failed')).toHaveLength(1);

    // The failure waits for an operator: in their tasks, and in their mailbox; the participants get no e-mail of it.
    const tasks = (await expectStatus(operator.get(`/tasks?participantId=${co.participantId}`), 200)).body;
    expect(tasks.items.map((i: { id: string }) => i.id)).toEqual([failed.id]);
    await sink.waitFor(
      () => mailsAbout(failed.referenceNumber).some((m) => /not applied/.test(m.text)),
      SETTLE_MS,
      'the e-mail of the failed completion',
    );
    const failureMails = mailsAbout(failed.referenceNumber).filter((m) => /not applied/.test(m.text));
    expect(failureMails.map((m) => m.toAddress)).toEqual([USERS.operator]);
    expect(failureMails[0].text).toMatch(/Workflow Status:\s+Sent to HKEX/);
    expect(failureMails[0].text).toMatch(/Notification Type:\s+For action/);
    expect(failureMails[0].text).toContain(`Reason: ${failed.completion.reason}`);
    const toParticipants = mailsAbout(failed.referenceNumber).filter((m) => m.toAddress.endsWith(co.domain));
    expect(toParticipants.map((m) => m.text)).not.toContainEqual(expect.stringMatching(/not applied|Completed/));

    // A refused completion is no closed door: complete again is checked at once (422 while the quota is full) …
    const refusedNow = await expectProblem(operator.act(failed.id, 'complete'), 422, 'BUSINESS_RULE');
    expect(refusedNow.errors).toEqual([expect.objectContaining({ message: expect.stringMatching(/no free user/) })]);
    // … and once a DA4 has raised the quota, it completes.
    const more = await sentToHkex(t, co.da4({ accounts: 1 }), crewOf(co));
    await expectStatus(operator.act(more.id, 'complete'), 202);
    expect((await waitForForm(operator, more.id, completionSettled, SETTLE_MS)).status).toBe('COMPLETED');
    await expectStatus(operator.act(failed.id, 'complete', { message: 'quota raised by DA4' }), 202);
    const completed = await waitForForm(operator, failed.id, completionSettled, SETTLE_MS);
    expect(completed).toMatchObject({ status: 'COMPLETED', completion: null, completionProblems: null });
    expect(completed.lines[0].assignedUserId).toBe(co.id('X5'));
    const listing = await listingOf(maker, co.listingPath());
    expect(listing.totals).toMatchObject({ maxUsers: 6, totalUsers: 6, totalDelegatedAdministrators: 5 });
    const after = await historyOf(maker, failed.id);
    expect(after.slice(-2).map((h) => h.action)).toEqual(['completion-failed', 'complete']);
  });

  it('failing every attempt: given up, recorded, shown and e-mailed; the operator can reject it', async () => {
    const co = await loadCompany(t);
    const other = await loadCompany(t);
    // A registry the worker cannot apply: the User ID the Add would get is already held, filed
    // under another participantship (a data error the participantship's own listing does not show).
    const ds = t.app.get(DataSource);
    const elsewhere = await ds.manager.findOneByOrFail(Participantship, { participantId: other.participantId });
    await ds.manager.insert(UserProfile, {
      id: randomUUID(),
      participantshipId: elsewhere.id,
      userId: co.id('X4'),
      surname: 'MISFILED',
      otherNames: 'PROFILE',
      email: other.email('misfiled'),
      isDa: true,
      daRole: 'checker',
      status: 'ENABLED',
      locked: false,
      otpEnabled: false,
      passwordSetupRequired: false,
    });
    const form = await sentToHkex(t, co.da3({ requestType: 'ADD', lines: [addLine(co, 'THIRD')] }), crewOf(co));
    const maker = await t.as(co.maker);
    const listingBefore = await listingOf(maker, co.listingPath());
    await expectStatus(operator.act(form.id, 'complete'), 202);

    const job = await everyAttemptFails(t, processing, form.id);
    expect(job.attemptsMade).toBe(10);
    const failed = await waitForForm(operator, form.id, (f) => f.completion?.state === 'failed', SETTLE_MS);
    expect(failed).toMatchObject({
      status: 'SENT_TO_HKEX',
      completionRequested: null,
      completion: {
        state: 'failed',
        reason: `The completion was not applied: it failed 10 attempts on a technical error (job ${job.id} in the failed jobs of the hkex-processing queue)`,
      },
    });
    const history = await historyOf(operator, form.id);
    expect(history.filter((h) => h.action === 'completion-failed')).toEqual([
      expect.objectContaining({
        by: expect.objectContaining({ name: 'HKEX Operator 1' }),
        message: failed.completion.reason,
      }),
    ]);
    expect(await listingOf(maker, co.listingPath())).toEqual(listingBefore);
    await sink.waitFor(
      () => mailsAbout(form.referenceNumber).some((m) => /not applied/.test(m.text)),
      SETTLE_MS,
      'the e-mail of the failed completion',
    );
    expect(
      mailsAbout(form.referenceNumber)
        .filter((m) => /not applied/.test(m.text))
        .map((m) => m.toAddress),
    ).toEqual([USERS.operator]);
    // The job's outbox row is closed, so the relay never publishes it again.
    const rows = await outboxRows(t);
    expect(rows.find((r) => jobIdOf(r.id) === job.id)?.doneAt).not.toBeNull();

    const rejected = await expectStatus(
      operator.act(form.id, 'reject', { reason: 'The User ID it would get is held elsewhere; please apply again.' }),
      200,
    );
    expect(rejected.body).toMatchObject({ status: 'REJECTED', completion: null });
    expect((await historyOf(maker, form.id)).map((h) => h.action).slice(-2)).toEqual(['completion-failed', 'reject']);
  });

  describe('a claim or release while a completion is pending', () => {
    let ops2: Api;
    beforeAll(async () => {
      ops2 = await t.as(await loadOperator(t, 'ops2@hkex.com.hk', 'HKEX Operator 2'));
    });

    it("another operator's claim is refused with 409 naming the pending completion; the completion goes through", async () => {
      const co = await loadCompany(t);
      const form = await sentToHkex(t, co.da4({ accounts: 3 }), crewOf(co));
      const me = (await expectStatus(operator.get('/me'), 200)).body as { id: string };
      const maker = await t.as(co.maker);
      await withWorkersHeld(async () => {
        await expectStatus(operator.act(form.id, 'complete'), 202);
        const before = await formState(maker, form.id);
        const problem = await expectProblem(ops2.act(form.id, 'claim'), 409, 'COMPLETION_PENDING');
        expect(problem).toMatchObject({ completionRequestedById: me.id, currentStatus: 'SENT_TO_HKEX' });
        await expectProblem(ops2.act(form.id, 'reject', { reason: 'too late' }), 409, 'COMPLETION_PENDING');
        await expectUnchanged(maker, form.id, before);
      });
      const done = await waitForForm(operator, form.id, completionSettled, SETTLE_MS);
      expect(done).toMatchObject({ status: 'COMPLETED', claimedBy: null });
      const history = await historyOf(operator, form.id);
      expect(history[history.length - 1]).toMatchObject({ action: 'complete', by: { name: 'HKEX Operator 1' } });
      expect((await listingOf(maker, co.listingPath())).totals.maxUsers).toBe(73);
    });

    it('the holder cannot release it either until the worker is done', async () => {
      const co = await loadCompany(t);
      const form = await sentToHkex(t, co.da4({ accounts: 1 }), crewOf(co));
      await expectStatus(ops2.act(form.id, 'claim'), 200);
      await withWorkersHeld(async () => {
        await expectStatus(ops2.act(form.id, 'complete'), 202);
        await expectProblem(ops2.act(form.id, 'release'), 409, 'COMPLETION_PENDING');
        await expectProblem(operator.act(form.id, 'claim'), 409, 'COMPLETION_PENDING');
      });
      const done = await waitForForm(ops2, form.id, completionSettled, SETTLE_MS);
      expect(done).toMatchObject({ status: 'COMPLETED' });
    });
  });
});

/**
 * Waits for the completion job of the form and lets each retry run at once (instead of after
 * its back-off of 1, 2, 4 … seconds) until BullMQ moves it to the failed set; returns it.
 */
async function everyAttemptFails(t: TestApp, queue: Queue, formId: string): Promise<Job> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const row = (await outboxRows(t)).find((r) => r.name === 'complete' && r.payload.formId === formId);
    const job = row && (await Job.fromId(queue, jobIdOf(row.id)));
    const state = job ? await job.getState() : 'unpublished';
    if (job && state === 'failed') return job;
    if (job && state === 'delayed') await job.promote().catch(() => undefined);
    if (Date.now() > deadline) throw new Error(`the completion job of ${formId} did not fail for good (${state})`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
