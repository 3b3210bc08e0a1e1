import { crewOf, historyOf, loadCompany } from '../support/fixtures';
import { expectStatus, startTestApp, TestApp } from '../support/test-app';
import { submitted } from '../support/workflow';

/**
 * SPEC §11: an edit's history entry records what changed, field by field, so the checker who
 * returned a form sees what the maker changed before submitting it again.
 */
describe('What an edit changed, in the history', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('after a return, the checker reads each changed field of the edit with its value before and after', async () => {
    const co = await loadCompany(t);
    const maker = await t.as(co.maker);
    const checker = await t.as(co.checker2);
    const form = await submitted(
      t,
      co.da3({
        lines: [
          { userId: co.id('X1'), email: co.email('x1.new') },
          { userId: co.id('X3'), email: co.email('x3.typo') },
        ],
        remarks: 'Two new addresses',
        contacts: [{ name: 'Maker', email: co.maker, phone: '21110000' }],
      }),
      crewOf(co),
    );
    await expectStatus(checker.act(form.id, 'claim'), 200);
    await expectStatus(checker.act(form.id, 'return', { message: 'Line 2 has a typo' }), 200);

    await expectStatus(
      maker.patch(`/eservices/${form.id}`, {
        lines: [
          { userId: co.id('x1'), email: co.email('x1.new') },
          { userId: co.id('X3'), email: co.email('x3.new') },
        ],
        remarks: null,
        contacts: [{ name: 'Maker', email: co.maker, phone: '21110099' }],
      }),
      200,
    );

    const history = await historyOf(checker, form.id);
    const edit = history[history.length - 1];
    expect(edit).toMatchObject({ action: 'edit', fromStatus: 'DRAFT', toStatus: 'DRAFT' });
    expect(edit.changes).toEqual([
      { field: 'lines[1].email', before: co.email('x3.typo'), after: co.email('x3.new') },
      { field: 'remarks', before: 'Two new addresses', after: null },
      { field: 'contacts[0].phone', before: '21110000', after: '21110099' },
    ]);
    // Other steps carry no changes.
    expect(history.filter((h) => h.action !== 'edit').every((h) => h.changes === undefined)).toBe(true);
  });

  it('lines added or removed show each field from or to null; request type and declaration are compared too', async () => {
    const co = await loadCompany(t);
    const maker = await t.as(co.maker);
    const draft = await maker.createForm(co.da3({ declarationAccepted: false }));
    await expectStatus(
      maker.patch(`/eservices/${draft.id}`, {
        requestType: 'ADD',
        lines: [
          { userId: co.id('X1'), email: co.email('x1.new') },
          { surname: 'NG', otherNames: 'MEI LING', email: co.email('ng'), daRole: 'checker' },
        ],
        declarationAccepted: true,
      }),
      200,
    );
    await expectStatus(maker.patch(`/eservices/${draft.id}`, { lines: [] }), 200);
    await expectStatus(maker.patch(`/eservices/${draft.id}`, { lines: [] }), 200);

    const edits = (await historyOf(maker, draft.id)).filter((h) => h.action === 'edit');
    expect(edits.map((e) => e.changes)).toEqual([
      [
        { field: 'requestType', before: 'CHANGE', after: 'ADD' },
        { field: 'lines[1].email', before: null, after: co.email('ng') },
        { field: 'lines[1].surname', before: null, after: 'NG' },
        { field: 'lines[1].otherNames', before: null, after: 'MEI LING' },
        { field: 'lines[1].daRole', before: null, after: 'checker' },
        { field: 'declarationAccepted', before: false, after: true },
      ],
      [
        { field: 'lines[0].userId', before: co.id('X1'), after: null },
        { field: 'lines[0].email', before: co.email('x1.new'), after: null },
        { field: 'lines[1].email', before: co.email('ng'), after: null },
        { field: 'lines[1].surname', before: 'NG', after: null },
        { field: 'lines[1].otherNames', before: 'MEI LING', after: null },
        { field: 'lines[1].daRole', before: 'checker', after: null },
      ],
      // An edit that changes nothing says so.
      [],
    ]);
  });

  it('a DA4 edit records the number of accounts', async () => {
    const co = await loadCompany(t);
    const maker = await t.as(co.maker);
    const draft = await maker.createForm(co.da4({ accounts: 2 }));
    await expectStatus(maker.patch(`/eservices/${draft.id}`, { accounts: 5 }), 200);
    const history = await historyOf(maker, draft.id);
    expect(history[history.length - 1].changes).toEqual([{ field: 'accounts', before: 2, after: 5 }]);
  });
});
