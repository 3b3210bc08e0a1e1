import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { FileHandle, open } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { LRUCache } from 'lru-cache';

const FILE = /^accepted-(\d{4}-\d{2}-\d{2})\.log$/;
const DAY_MS = 24 * 3600 * 1000;

/**
 * Which e-mails the mail server has accepted, on the local disk, shared by every process
 * of this machine that sends mail.
 *
 * SMTP has no way to make a send idempotent: a worker killed after the server's 250 and
 * before the database records the delivery as SENT leaves a job that another worker takes
 * over and sends again. The journal narrows that gap to almost nothing: the acceptance is
 * appended and fsync'd the moment the 250 arrives, and a worker looks here before sending.
 * What is left: a kill between the 250 reaching the worker and the fsync, and workers on
 * other machines (each machine has its own journal); such a copy has the same Message-ID.
 *
 * One file per UTC day (`accepted-YYYY-MM-DD.log`, lines `<delivery id> <Message-ID>`),
 * appended with O_APPEND by every process; files older than `keepDays` are deleted when a
 * process opens the journal. The acceptance only matters until the SENT commit, which
 * follows within moments; a week covers workers that were down for days.
 */
export class SentJournal {
  private readonly dir: string;
  /** Delivery id → Message-ID; the newest 200,000 (far more than can wait for their SENT commit). */
  private readonly accepted = new LRUCache<string, string>({ max: 200_000 });
  /** Each file open for reading and how far it has been read (only whole lines). */
  private readonly readers = new Map<string, { handle: FileHandle; offset: number }>();
  private writer: { day: string; handle: FileHandle } | null = null;
  private readonly retired: FileHandle[] = [];
  /** Whether every file of the folder has been read once. */
  private listed = false;
  /** Catching up with the files, and opening the day's file: one at a time in this process. */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    dir: string,
    private readonly keepDays = 7,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.dir = resolve(dir);
    mkdirSync(this.dir, { recursive: true });
    const oldest = dayOf(new Date(this.now().getTime() - keepDays * DAY_MS));
    for (const name of readdirSync(this.dir)) {
      const day = FILE.exec(name)?.[1];
      if (day && day < oldest) rmSync(join(this.dir, name), { force: true });
    }
  }

  /** The Message-ID under which the server accepted this delivery, if a process here recorded it. */
  acceptedAs(deliveryId: string): Promise<string | undefined> {
    return this.serially(async () => {
      await this.catchUp();
      return this.accepted.get(deliveryId);
    });
  }

  /**
   * Right after the server's 250: on disk (fsync'd) before this resolves. Records of
   * concurrent sends are written side by side (each line is one O_APPEND write), and their
   * fsyncs overlap; only opening the day's file is done one at a time.
   */
  async record(deliveryId: string, messageId: string): Promise<void> {
    if (/\s/.test(deliveryId) || /\s/.test(messageId)) throw new Error('journal entries have no spaces');
    const handle = await this.serially(() => this.writerFor(dayOf(this.now())));
    await handle.write(`${deliveryId} ${messageId}\n`);
    await handle.datasync();
    this.accepted.set(deliveryId, messageId);
  }

  async close(): Promise<void> {
    await this.serially(async () => {
      await this.writer?.handle.close();
      this.writer = null;
      for (const handle of this.retired.splice(0)) await handle.close();
      for (const reader of this.readers.values()) await reader.handle.close();
      this.readers.clear();
    });
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    this.tail = result.catch(() => undefined);
    return result;
  }

  private async writerFor(day: string): Promise<FileHandle> {
    if (this.writer?.day === day) return this.writer.handle;
    // Yesterday's handle stays open for writes still under way; it is closed with the journal.
    if (this.writer) this.retired.push(this.writer.handle);
    this.writer = { day, handle: await open(join(this.dir, `accepted-${day}.log`), 'a') };
    return this.writer.handle;
  }

  /**
   * Reads what every process appended since the last look. The first look reads every file;
   * after that only yesterday's and today's can still grow (a process appends to the file of
   * the day it writes in), so only those two are looked at: no directory listing per e-mail.
   */
  private async catchUp(): Promise<void> {
    const now = this.now().getTime();
    const names = this.listed
      ? [dayOf(new Date(now - DAY_MS)), dayOf(new Date(now))].map((day) => `accepted-${day}.log`)
      : readdirSync(this.dir).filter((name) => FILE.test(name));
    this.listed = true;
    for (const name of names) {
      const file = join(this.dir, name);
      let reader = this.readers.get(file);
      if (!reader) {
        const handle = await open(file, 'r').catch((e: NodeJS.ErrnoException) => {
          if (e.code === 'ENOENT') return null; // nobody has written on that day yet
          throw e;
        });
        if (!handle) continue;
        reader = { handle, offset: 0 };
        this.readers.set(file, reader);
      }
      const { size } = await reader.handle.stat();
      if (size <= reader.offset) continue;
      const buffer = Buffer.alloc(size - reader.offset);
      await reader.handle.read(buffer, 0, buffer.length, reader.offset);
      const whole = buffer.lastIndexOf(0x0a) + 1;
      for (const line of buffer.subarray(0, whole).toString('utf8').split('\n')) {
        const [deliveryId, messageId] = line.split(' ');
        if (deliveryId && messageId) this.accepted.set(deliveryId, messageId);
      }
      reader.offset += whole;
    }
  }
}

const dayOf = (d: Date): string => d.toISOString().slice(0, 10);
