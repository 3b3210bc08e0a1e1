import Redis from 'ioredis';

/** A week: covers workers that were all down for days, and an operator's retry after that. */
const KEEP_SECONDS = 7 * 24 * 3600;
/** How long a send waits for the journal's connection (first use, or Redis just back) before it fails. */
const CONNECT_WAIT_MS = 2000;

/** The Redis key of one delivery's acceptance. */
export const acceptanceKey = (deliveryId: string): string => `mail-accepted:${deliveryId}`;

/**
 * Which e-mails the mail server has accepted, in Redis: one key per delivery id (its value
 * the Message-ID, kept 7 days), seen by every worker on every machine.
 *
 * SMTP has no way to make a send idempotent: a worker killed after the server's 250 and
 * before the database records the delivery as SENT leaves a job that another worker, here
 * or on another machine, takes over and would send again. The transport writes the
 * acceptance here the moment the 250 arrives and looks here before any send, so what is
 * left is a worker killed between the server sending its 250 and the write reaching Redis;
 * such a copy has the same Message-ID.
 *
 * A write Redis has answered is in its memory and, with `appendonly yes`, in the append-only
 * file: it survives the worker and a restart of redis-server. Only the machine Redis runs
 * on failing within Redis's fsync interval (`appendfsync everysec`: about a second; none
 * with `always`) can lose it, and then only matters if the worker died in the same moment.
 * Redis 7.0 has no WAITAOF to wait for that fsync per write; waiting for the next one would
 * hold each send up to a second.
 *
 * A journal that cannot be read refuses: `acceptedAs` rejects, the send fails and its job is
 * retried later. An e-mail is never sent without the check.
 */
export class SentJournal {
  private client: Redis | null = null;
  /** The one wait for the connection that concurrent sends share. */
  private connecting: Promise<void> | null = null;

  /** `connect` makes the journal's own connection, on first use (Redis may start after the transport). */
  constructor(
    private readonly connect: () => Redis,
    private readonly keepSeconds = KEEP_SECONDS,
  ) {}

  /** The Message-ID under which the server accepted this delivery, if a worker recorded it; rejects if Redis cannot say. */
  async acceptedAs(deliveryId: string): Promise<string | undefined> {
    try {
      const redis = await this.redis();
      return (await redis.get(acceptanceKey(deliveryId))) ?? undefined;
    } catch (e) {
      throw new Error(`mail journal unreadable, not sending: ${(e as Error).message}`, { cause: e });
    }
  }

  /** Right after the server's 250: in Redis before this resolves. */
  async record(deliveryId: string, messageId: string): Promise<void> {
    const redis = await this.redis();
    await redis.set(acceptanceKey(deliveryId), messageId, 'EX', this.keepSeconds);
  }

  private async redis(): Promise<Redis> {
    const client = (this.client ??= this.connect());
    if (client.status !== 'ready')
      await (this.connecting ??= untilReady(client, CONNECT_WAIT_MS).finally(() => (this.connecting = null)));
    return client;
  }
}

function untilReady(client: Redis, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const ready = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      client.off('ready', ready);
      reject(new Error(`Redis not reachable within ${timeoutMs} ms`));
    }, timeoutMs);
    client.once('ready', ready);
  });
}
