import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SentJournal } from '../../src/notifications/sent-journal';

/** The journal of accepted e-mails, on real files; two instances stand for two worker processes. */
describe('SentJournal', () => {
  let dir: string;
  const open: SentJournal[] = [];
  const journal = (now?: () => Date): SentJournal => {
    const j = new SentJournal(dir, 7, now);
    open.push(j);
    return j;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'eservices-journal-'));
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((j) => j.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('knows what it recorded, and nothing else', async () => {
    const j = journal();
    expect(await j.acceptedAs('d-1')).toBeUndefined();
    await j.record('d-1', '<d-1@x>');
    expect(await j.acceptedAs('d-1')).toBe('<d-1@x>');
    expect(await j.acceptedAs('d-2')).toBeUndefined();
  });

  it('is on disk once record() resolves: another process sees it, also one started later', async () => {
    const worker1 = journal();
    const worker2 = journal();
    expect(await worker2.acceptedAs('d-1')).toBeUndefined(); // worker2 has read the file once already
    await worker1.record('d-1', '<d-1@x>');
    await worker1.record('d-2', '<d-2@x>');
    expect(await worker2.acceptedAs('d-2')).toBe('<d-2@x>');
    expect(await worker2.acceptedAs('d-1')).toBe('<d-1@x>');
    expect(await journal().acceptedAs('d-1')).toBe('<d-1@x>');
    const file = `accepted-${new Date().toISOString().slice(0, 10)}.log`;
    expect(readFileSync(join(dir, file), 'utf8')).toBe('d-1 <d-1@x>\nd-2 <d-2@x>\n');
  });

  it('keeps every one of many concurrent records, each a whole line', async () => {
    const a = journal();
    const b = journal();
    const ids = Array.from({ length: 200 }, (_, i) => `d-${i}`);
    await Promise.all(ids.map((id, i) => (i % 2 ? a : b).record(id, `<${id}@x>`)));
    const reader = journal();
    for (const id of ids) expect(await reader.acceptedAs(id)).toBe(`<${id}@x>`);
    const file = join(dir, `accepted-${new Date().toISOString().slice(0, 10)}.log`);
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    expect(lines.sort()).toEqual(ids.map((id) => `${id} <${id}@x>`).sort());
  });

  it('takes a line only once it is whole', async () => {
    const reader = journal();
    const file = join(dir, `accepted-${new Date().toISOString().slice(0, 10)}.log`);
    writeFileSync(file, 'd-1 <d-1@x>\nd-2 <d-2');
    expect(await reader.acceptedAs('d-1')).toBe('<d-1@x>');
    expect(await reader.acceptedAs('d-2')).toBeUndefined();
    appendFileSync(file, '@x>\n');
    expect(await reader.acceptedAs('d-2')).toBe('<d-2@x>');
  });

  it('writes each UTC day to its own file and deletes files older than a week when opened', async () => {
    let now = new Date('2026-11-01T23:59:59Z');
    const j = journal(() => now);
    await j.record('d-1', '<d-1@x>');
    now = new Date('2026-11-02T00:00:01Z');
    await j.record('d-2', '<d-2@x>');
    expect(existsSync(join(dir, 'accepted-2026-11-01.log'))).toBe(true);
    expect(existsSync(join(dir, 'accepted-2026-11-02.log'))).toBe(true);
    expect(await journal(() => now).acceptedAs('d-1')).toBe('<d-1@x>');
    journal(() => new Date('2026-11-09T12:00:00Z')); // a week after the 1st and half a day
    expect(existsSync(join(dir, 'accepted-2026-11-01.log'))).toBe(false);
    expect(existsSync(join(dir, 'accepted-2026-11-02.log'))).toBe(true);
  });

  it("after its first look, still sees what others append to yesterday's and today's files", async () => {
    let now = new Date('2026-11-01T23:59:59Z');
    const reader = journal(() => now);
    const writer = journal(() => now);
    expect(await reader.acceptedAs('d-0')).toBeUndefined(); // the first look (every file) is done
    await writer.record('d-late', '<late@x>');
    now = new Date('2026-11-02T00:00:01Z');
    await writer.record('d-new', '<new@x>');
    expect(await reader.acceptedAs('d-late')).toBe('<late@x>');
    expect(await reader.acceptedAs('d-new')).toBe('<new@x>');
  });

  it('refuses an entry that would not read back', async () => {
    await expect(journal().record('d 1', '<d-1@x>')).rejects.toThrow(/no spaces/);
  });
});
