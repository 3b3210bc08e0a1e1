import { Api, expectStatus, FormJson, USERS } from './test-app';

/**
 * The workflow steps the tests take to bring a form into a state (SPEC §5): submit, send to
 * HKEX (claim and confirm), complete, and the waits for what a worker does after them (the
 * arrival check, the completion). One implementation of each, for the e2e specs and the
 * cluster test alike.
 */

/** Who logs the crew in: a test app (`t.as`), or a test's own sessions (a test that revokes tokens). */
export interface Sessions {
  as(username: string): Promise<Api>;
}

/** Who takes a form through the workflow: the demo's AAA, D Wong and HKEX Operator 1 unless told. */
export interface Crew {
  maker: string;
  checker: string;
  operator?: string;
}

export const DEMO_CREW: Crew = { maker: USERS.maker, checker: USERS.checker, operator: USERS.operator };

/** The queued arrival check has run. */
export const arrivedAtHkex = (f: FormJson): boolean => f.status !== 'SENT_TO_HKEX' || f.arrivalCheck !== null;
/** No completion is waiting for a worker any more (it was applied, or refused with reasons). */
export const completionSettled = (f: FormJson): boolean => f.completionRequested === null;

/**
 * Whatever reads a form over HTTP: the in-process client of the e2e tests, or the client
 * of the cluster test on a real port. A 200 is required.
 */
export interface FormReader {
  get(path: string): PromiseLike<{ status: number; body: unknown }>;
}

/**
 * Polls a form until `done` holds (queued work lands asynchronously); fails after
 * `timeoutMs` with the form as last seen and `what` it waited for.
 */
export async function waitForForm(
  reader: FormReader,
  id: string,
  done: (f: FormJson) => boolean,
  timeoutMs = 10_000,
  what = 'it to settle',
): Promise<FormJson> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await reader.get(`/eservices/${id}`);
    if (res.status !== 200) throw new Error(`expected HTTP 200, got ${res.status}: ${JSON.stringify(res.body)}`);
    const form = res.body as FormJson;
    if (done(form)) return form;
    if (Date.now() > deadline)
      throw new Error(`form ${id} waited ${timeoutMs} ms for ${what}: ${JSON.stringify(form)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Creates and submits a form; returns it Ready to Send to HKEX. */
export async function submitted(s: Sessions, body: object, crew: Crew = DEMO_CREW): Promise<FormJson> {
  const maker = await s.as(crew.maker);
  const form = await maker.createForm(body);
  return (await expectStatus(maker.act(form.id, 'submit'), 200)).body as FormJson;
}

/**
 * Creates, submits, claims and confirms a form; returns it Sent to HKEX once the HKEX
 * arrival check (a queued job) is on it.
 */
export async function sentToHkex(s: Sessions, body: object, crew: Crew = DEMO_CREW): Promise<FormJson> {
  const form = await submitted(s, body, crew);
  const checker = await s.as(crew.checker);
  await expectStatus(checker.act(form.id, 'claim'), 200);
  await expectStatus(checker.act(form.id, 'confirm'), 200);
  // The arrival check is HKEX's: only HKEX staff see it (SPEC §11).
  return waitForForm(await s.as(USERS.operator), form.id, arrivedAtHkex);
}

/**
 * The operator completes a form; `complete` answers 202 while a worker applies it
 * (SPEC §9), so this waits until no completion is pending. Returns the form as GET shows it
 * (Completed, or still Sent to HKEX with the reasons the completion was refused).
 */
export async function completeByOperator(
  s: Sessions,
  id: string,
  operator: string = USERS.operator,
): Promise<FormJson> {
  const op = await s.as(operator);
  await expectStatus(op.act(id, 'complete'), 202);
  return waitForForm(op, id, completionSettled);
}

/** Draft → Ready to Send → claimed → Sent to HKEX → Completed; returns the completed form. */
export async function completed(s: Sessions, body: object, crew: Crew = DEMO_CREW): Promise<FormJson> {
  const sent = await sentToHkex(s, body, crew);
  const done = await completeByOperator(s, sent.id, crew.operator);
  if (done.status !== 'COMPLETED') throw new Error(`form did not complete: ${JSON.stringify(done)}`);
  return done;
}
