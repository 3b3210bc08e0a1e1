import Redis from 'ioredis';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FixedClock } from '../../src/common/clock';
import {
  messageIdOf,
  OutboxFolderTransport,
  OutgoingMail,
  SmtpTransport,
} from '../../src/notifications/mail-transport';
import { SentJournal } from '../../src/notifications/sent-journal';
import { EmbeddedRedis } from '../../src/queue/embedded-redis';
import { parseMail, SmtpSink } from '../support/smtp-sink';

const DELIVERY = '3f1c2a4e-0000-4000-8000-000000000001';

const mailOf = (deliveryId: string): OutgoingMail => ({
  deliveryId,
  from: 'HKEX Client Connect <noreply_connect@hkex.com.hk>',
  to: 'D Wong <dwong@bank.com.hk>',
  subject: 'A subject',
  html: '<p>Hello</p>',
  text: 'Hello',
});

describe('OutboxFolderTransport, when it starts on a folder a killed process wrote to', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'eservices-outbox-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('removes the half-written .eml.tmp files, and nothing else', () => {
    const whole = `20261202T101500000Z-${DELIVERY}.eml`;
    writeFileSync(join(dir, whole), 'a whole e-mail');
    writeFileSync(join(dir, `20261202T101501000Z-other-1.eml.tmp`), 'From: half');
    writeFileSync(join(dir, `20261202T101502000Z-other-2.eml.tmp`), '');
    writeFileSync(join(dir, 'notes.tmp'), 'not an e-mail');
    const transport = new OutboxFolderTransport(dir, new FixedClock(new Date('2026-12-02T10:20:00Z')));
    transport.close();
    expect(readdirSync(dir).sort()).toEqual([whole, 'notes.tmp']);
  });

  it('then writes the e-mail of such a leftover again, whole and once', async () => {
    const clock = new FixedClock(new Date('2026-12-02T10:20:00Z'));
    writeFileSync(join(dir, `20261202T101501000Z-${DELIVERY}.eml.tmp`), 'From: half');
    const transport = new OutboxFolderTransport(dir, clock);
    expect(await transport.send(mailOf(DELIVERY))).toBe(messageIdOf(DELIVERY));
    clock.advance(1000);
    expect(await transport.send(mailOf(DELIVERY))).toBe(messageIdOf(DELIVERY)); // the retry of a job that had written it
    transport.close();
    const files = readdirSync(dir);
    expect(files).toEqual([`20261202T102000000Z-${DELIVERY}.eml`]);
    const mail = parseMail(readFileSync(join(dir, files[0]), 'utf8'));
    expect(mail.messageId).toBe(messageIdOf(DELIVERY));
    expect(mail.text.trim()).toBe('Hello');
  });
});

/**
 * SmtpTransport with its journal, against a real SMTP server on loopback and a real
 * redis-server. Two transports with journals of their own (each its own connection) stand
 * for workers on two machines.
 */
describe('SmtpTransport with the journal in Redis', () => {
  let dir: string;
  let redis: EmbeddedRedis;
  let sink: SmtpSink;
  const clients: Redis[] = [];
  const transports: SmtpTransport[] = [];
  const worker = (): SmtpTransport => {
    const journal = new SentJournal(() => {
      const client = new Redis({
        path: redis.socket,
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
        disconnectTimeout: 100,
      });
      client.on('error', () => undefined);
      clients.push(client);
      return client;
    });
    const transport = new SmtpTransport(sink.url, journal);
    transports.push(transport);
    return transport;
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'eservices-transport-'));
    redis = new EmbeddedRedis(dir);
    await redis.start();
    sink = await SmtpSink.start();
  });
  afterEach(async () => {
    for (const t of transports.splice(0)) t.close();
    for (const c of clients.splice(0)) c.disconnect();
    await sink.close();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an e-mail accepted through one worker is not sent again through a worker on another machine', async () => {
    const [machineA, machineB] = [worker(), worker()];
    expect(await machineA.send(mailOf(DELIVERY))).toBe(messageIdOf(DELIVERY));
    expect(await machineB.send(mailOf(DELIVERY))).toBe(messageIdOf(DELIVERY));
    expect(await machineA.send(mailOf(DELIVERY))).toBe(messageIdOf(DELIVERY));
    await sink.settle(200);
    expect(sink.messages.map((m) => m.messageId)).toEqual([messageIdOf(DELIVERY)]);
  });

  it('sends nothing while the journal cannot be read, and the retry once Redis is back sends it once', async () => {
    const transport = worker();
    await transport.send(mailOf('d-before'));
    await redis.stop();
    await expect(transport.send(mailOf(DELIVERY))).rejects.toThrow(/mail journal unreadable/);
    await expect(worker().send(mailOf(DELIVERY))).rejects.toThrow(/mail journal unreadable/);
    await sink.settle(200);
    expect(sink.messages.map((m) => m.messageId)).toEqual([messageIdOf('d-before')]);

    redis = new EmbeddedRedis(dir);
    await redis.start();
    expect(await transport.send(mailOf(DELIVERY))).toBe(messageIdOf(DELIVERY));
    expect(await worker().send(mailOf(DELIVERY))).toBe(messageIdOf(DELIVERY));
    await sink.settle(200);
    expect(sink.messages.map((m) => m.messageId)).toEqual([messageIdOf('d-before'), messageIdOf(DELIVERY)]);
  });
});
