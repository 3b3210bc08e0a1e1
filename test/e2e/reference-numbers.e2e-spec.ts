import { da3, da4, expectStatus, FormJson, startTestApp, TestApp, USERS } from '../support/test-app';
import { submitted } from '../support/workflow';

/**
 * SPEC §5 "submit": a reference number is assigned once, per form type, 8 digits, never
 * reused. This file has an app of its own so that the counters start at zero; the first
 * test must run first, the others only compare numbers with those they have seen.
 */
describe('Reference numbers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const numberOf = (ref: string | null): number => {
    expect(ref).toMatch(/^DA[34]_\d{8}$/);
    return Number(ref!.slice(4));
  };
  const ref = (type: 'DA3' | 'DA4', n: number): string => `${type}_${String(n).padStart(8, '0')}`;

  it('the first DA3 is DA3_00000001 and the first DA4 DA4_00000001: one counter per form type; drafts have none', async () => {
    const maker = await t.as(USERS.maker);
    const draft = await maker.createForm(da3());
    expect(draft.referenceNumber).toBeNull();

    expect((await submitted(t, da3())).referenceNumber).toBe('DA3_00000001');
    expect((await submitted(t, da4())).referenceNumber).toBe('DA4_00000001');
    expect((await submitted(t, da3())).referenceNumber).toBe('DA3_00000002');
    expect((await submitted(t, da4())).referenceNumber).toBe('DA4_00000002');
    expect((await expectStatus(maker.get(`/eservices/${draft.id}`), 200)).body.referenceNumber).toBeNull();
  });

  it('a reclaimed form keeps its number, the next submission gets a new one, and resubmitting keeps the first', async () => {
    const maker = await t.as(USERS.maker);
    const a = await submitted(t, da3());
    const n = numberOf(a.referenceNumber);
    await expectStatus(maker.act(a.id, 'reclaim'), 200);

    const b = await submitted(t, da3());
    expect(b.referenceNumber).toBe(ref('DA3', n + 1));

    const again = (await expectStatus(maker.act(a.id, 'submit'), 200)).body;
    expect(again.referenceNumber).toBe(ref('DA3', n));
  });

  it('a number is never given again: not after the form is reclaimed and discarded, nor after it is returned', async () => {
    const maker = await t.as(USERS.maker);
    const checker = await t.as(USERS.checker);
    const discarded = await submitted(t, da3());
    await expectStatus(maker.act(discarded.id, 'reclaim'), 200);
    await expectStatus(maker.act(discarded.id, 'discard'), 200);
    const returned = await submitted(t, da3());
    await expectStatus(checker.act(returned.id, 'claim'), 200);
    await expectStatus(checker.act(returned.id, 'return', { message: 'please fix' }), 200);

    const next = await submitted(t, da3());

    expect(numberOf(next.referenceNumber)).toBe(numberOf(returned.referenceNumber) + 1);
    expect((await expectStatus(maker.act(returned.id, 'submit'), 200)).body.referenceNumber).toBe(
      returned.referenceNumber,
    );
    const all = (await expectStatus(maker.get('/eservices?formType=DA3&pageSize=100'), 200)).body.items as FormJson[];
    const numbers = all.map((f) => f.referenceNumber).filter((r): r is string => r !== null);
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(numbers).toContain(discarded.referenceNumber);
  });

  it('ten forms submitted at once get ten distinct, consecutive numbers', async () => {
    const maker = await t.as(USERS.maker);
    const last = numberOf((await submitted(t, da3())).referenceNumber);
    const drafts = await Promise.all(Array.from({ length: 10 }, () => maker.createForm(da3())));

    const results = await Promise.all(drafts.map((d) => maker.act(d.id, 'submit')));

    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    const numbers = results.map((r) => numberOf(r.body.referenceNumber)).sort((x, y) => x - y);
    expect(numbers).toEqual(Array.from({ length: 10 }, (_, i) => last + 1 + i));
  });

  it('DA3 and DA4 submitted at once still count separately', async () => {
    const maker = await t.as(USERS.maker);
    const lastDa3 = numberOf((await submitted(t, da3())).referenceNumber);
    const lastDa4 = numberOf((await submitted(t, da4())).referenceNumber);
    const drafts = await Promise.all([da3(), da4(), da3(), da4()].map((body) => maker.createForm(body)));

    const refs = (await Promise.all(drafts.map((d) => expectStatus(maker.act(d.id, 'submit'), 200)))).map(
      (r) => r.body.referenceNumber as string,
    );

    expect(refs.filter((r) => r.startsWith('DA3_')).sort()).toEqual([ref('DA3', lastDa3 + 1), ref('DA3', lastDa3 + 2)]);
    expect(refs.filter((r) => r.startsWith('DA4_')).sort()).toEqual([ref('DA4', lastDa4 + 1), ref('DA4', lastDa4 + 2)]);
  });
});
