import Redis from 'ioredis';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedRedis } from '../../src/queue/embedded-redis';
import { acceptanceKey, SentJournal } from '../../src/notifications/sent-journal';

/**
 * The journal of accepted e-mails, on a real redis-server (append-only, as the embedded one
 * runs); each SentJournal has a connection of its own and stands for a worker, on this
 * machine or another.
 */
describe('SentJournal', () => {
  let dir: string;
  let server: EmbeddedRedis;
  const clients: Redis[] = [];
  const connect = (): Redis => {
    // As the service's own (RedisConnections.producer): commands fail at once while Redis is away.
    // (disconnectTimeout: a connection to a stopped server is not waited for at the end.)
    const client = new Redis({
      path: server.socket,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      disconnectTimeout: 100,
    });
    client.on('error', () => undefined);
    clients.push(client);
    return client;
  };
  const journal = (): SentJournal => new SentJournal(connect);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'eservices-journal-'));
    server = new EmbeddedRedis(dir);
    await server.start();
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('knows what it recorded, and nothing else', async () => {
    const j = journal();
    expect(await j.acceptedAs('d-1')).toBeUndefined();
    await j.record('d-1', '<d-1@x>');
    expect(await j.acceptedAs('d-1')).toBe('<d-1@x>');
    expect(await j.acceptedAs('d-2')).toBeUndefined();
  });

  it('what one worker recorded, any other sees once record() has resolved: nothing is per machine', async () => {
    const worker1 = journal();
    const worker2 = journal();
    expect(await worker2.acceptedAs('d-1')).toBeUndefined();
    await worker1.record('d-1', '<d-1@x>');
    expect(await worker2.acceptedAs('d-1')).toBe('<d-1@x>');
    expect(await journal().acceptedAs('d-1')).toBe('<d-1@x>');
  });

  it('keeps every one of many concurrent records', async () => {
    const [a, b] = [journal(), journal()];
    const ids = Array.from({ length: 200 }, (_, i) => `d-${i}`);
    await Promise.all(ids.map((id, i) => (i % 2 ? a : b).record(id, `<${id}@x>`)));
    const reader = journal();
    for (const id of ids) expect(await reader.acceptedAs(id)).toBe(`<${id}@x>`);
  });

  it('keeps an acceptance for 7 days, then lets Redis drop it', async () => {
    await journal().record('d-1', '<d-1@x>');
    const look = new Redis({ path: server.socket });
    clients.push(look);
    const ttl = await look.ttl(acceptanceKey('d-1'));
    expect(ttl).toBeGreaterThan(7 * 24 * 3600 - 60);
    expect(ttl).toBeLessThanOrEqual(7 * 24 * 3600);
  });

  it('still has it after redis-server restarts (the append-only file)', async () => {
    await journal().record('d-1', '<d-1@x>');
    await server.stop();
    server = new EmbeddedRedis(dir);
    await server.start();
    expect(await journal().acceptedAs('d-1')).toBe('<d-1@x>');
  });

  it('rejects, rather than answer "not accepted", when Redis is away', async () => {
    const j = journal();
    await j.record('d-1', '<d-1@x>');
    await server.stop();
    const started = Date.now();
    await Promise.all([
      expect(j.acceptedAs('d-1')).rejects.toThrow(/mail journal unreadable/),
      expect(j.acceptedAs('d-2')).rejects.toThrow(/mail journal unreadable/),
      expect(journal().acceptedAs('d-1')).rejects.toThrow(/not reachable/),
    ]);
    expect(Date.now() - started).toBeLessThan(5000); // a send fails within moments, to be retried
  });

  it('on first use waits for its connection, shared by concurrent sends', async () => {
    const j = journal();
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => j.acceptedAs(`d-${i}`)));
    expect(answers).toEqual(Array.from({ length: 20 }, () => undefined));
    expect(clients).toHaveLength(1);
  });
});
