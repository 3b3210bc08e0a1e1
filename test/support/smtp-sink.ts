import { AddressInfo } from 'node:net';
import { SMTPServer, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';

/**
 * A real SMTP server on loopback that keeps every message it accepts, for the mail paths
 * of SPEC §6. A message counts as received when the server answers 250 to it: one whose
 * connection the server saw drop before the answer (the sending process was killed) is
 * not kept. A client that dies after the 250, or before the server noticed, has its
 * message delivered, as with any real mail server. `stop()` and `restart()` take the
 * server down and bring it back on the same port, as a mail server that is away a while:
 * while down it keeps the port (so no other test's server can take it meanwhile), drops
 * every connection and answers each new one with 421 and a close.
 */

export interface ParsedMail {
  from: string;
  /** The To header as written, e.g. `D Wong <dwong@bank.com.hk>`. */
  to: string;
  /** The address of the To header, lower-cased. */
  toAddress: string;
  subject: string;
  messageId: string;
  date: string;
  text: string;
  html: string;
  headers: Map<string, string>;
}

export interface ReceivedMail extends ParsedMail {
  /** 1, 2, 3 … in the order the server accepted the messages. */
  seq: number;
  envelope: { from: string; to: string[] };
  raw: string;
}

export interface SmtpSinkOptions {
  /** Waits this long before answering 250 to each message: a slower server keeps more mail in flight. */
  ackDelayMs?: number;
}

export class SmtpSink {
  readonly messages: ReceivedMail[] = [];
  /** Messages whose connection closed before the server could answer 250 (not kept). */
  unacknowledged = 0;
  /** Messages being received or waiting for their 250 right now. */
  inFlight = 0;
  /** Called right after the server answered 250 to a message (a fault test can strike at that moment). */
  onAccepted: ((mail: ReceivedMail) => void) | null = null;
  /** Connection errors seen (e.g. ECONNRESET from a client killed mid-session). */
  readonly errors: string[] = [];
  private server: SMTPServer | null = null;
  /** Between stop() and restart(): connections are refused, the port stays bound. */
  private down = false;
  private port = 0;
  private readonly closedSessions = new Set<string>();
  /** Per session whose message is not answered yet: what to do when its connection drops. */
  private readonly pending = new Map<string, () => void>();
  private listeners: (() => void)[] = [];

  private constructor(private readonly options: SmtpSinkOptions) {}

  static async start(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
    const sink = new SmtpSink(options);
    await sink.listen();
    return sink;
  }

  /** For SMTP_URL. */
  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.server !== null && !this.down;
  }

  private async listen(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      closeTimeout: 500,
      onConnect: (_session: SMTPServerSession, callback: (err?: Error) => void) =>
        callback(this.down ? Object.assign(new Error('the mail server is down'), { responseCode: 421 }) : undefined),
      onClose: (session: SMTPServerSession) => {
        this.closedSessions.add(session.id);
        this.pending.get(session.id)?.();
      },
      onData: (stream, session, callback) => this.receive(stream, session, callback),
    });
    // A client that dies mid-session resets its connection: part of the faults, not an error of the sink.
    server.on('error', (e: Error) => void this.errors.push(e.message));
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        server.server.off('error', reject);
        resolve();
      });
    });
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
  }

  private receive(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error) => void): void {
    const chunks: Buffer[] = [];
    let settled = false;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      this.inFlight--;
      this.pending.delete(session.id);
      return true;
    };
    this.inFlight++;
    // The connection dropped before the answer: the message is not kept.
    this.pending.set(session.id, () => {
      if (settle()) this.unacknowledged++;
    });
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      const accept = (): void => {
        if (!settle()) return;
        if (this.closedSessions.has(session.id) || !this.server) {
          this.unacknowledged++;
          callback(new Error('connection closed'));
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        this.messages.push({
          ...parseMail(raw),
          seq: this.messages.length + 1,
          envelope: {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
          },
          raw,
        });
        callback();
        this.onAccepted?.(this.messages[this.messages.length - 1]);
        for (const l of this.listeners) l();
      };
      // unref: a server that never answers must not keep the test run alive after close().
      if (this.options.ackDelayMs) setTimeout(accept, this.options.ackDelayMs).unref();
      else accept();
    });
  }

  /** The mail server goes away: open connections are dropped and new ones are refused (421). */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server || this.down) return;
    this.down = true;
    for (const connection of [...server.connections]) connection.close();
    const deadline = Date.now() + 2000;
    while (server.connections.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }

  /** The mail server comes back on the same port. */
  async restart(): Promise<void> {
    this.down = false;
  }

  clear(): void {
    this.messages.length = 0;
  }

  /** Resolves once `done` holds for the messages received; fails after `timeoutMs`. */
  async waitFor(done: (messages: ReceivedMail[]) => boolean, timeoutMs = 10_000, what = 'messages'): Promise<void> {
    if (done(this.messages)) return;
    await new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (!done(this.messages)) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `SMTP sink: timed out after ${timeoutMs} ms waiting for ${what} (${this.messages.length} received)`,
          ),
        );
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== check);
      };
      this.listeners.push(check);
    });
  }

  /** Waits until no message has arrived for `quietMs` (so late duplicates would have shown). */
  async settle(quietMs = 500): Promise<void> {
    for (;;) {
      const before = this.messages.length;
      await new Promise((r) => setTimeout(r, quietMs));
      if (this.messages.length === before) return;
    }
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.listeners = [];
    if (!server) return;
    const closed = new Promise<void>((r) => server.close(() => r()));
    for (const connection of [...server.connections]) connection.close();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closed, new Promise((r) => (timer = setTimeout(r, 2000)))]);
    clearTimeout(timer);
  }
}

// --- a minimal MIME reader: enough for what nodemailer writes ------------------------------

/** Parses one RFC 5322 message: headers (unfolded, encoded words decoded) and its text and HTML parts. */
export function parseMail(raw: string): ParsedMail {
  const { headers, body } = splitEntity(raw);
  const parts = leafParts(headers, body);
  const text = parts.find((p) => p.type === 'text/plain')?.content ?? '';
  const html = parts.find((p) => p.type === 'text/html')?.content ?? '';
  const to = headers.get('to') ?? '';
  return {
    from: headers.get('from') ?? '',
    to,
    toAddress: (/<([^>]+)>/.exec(to)?.[1] ?? to).trim().toLowerCase(),
    subject: headers.get('subject') ?? '',
    messageId: headers.get('message-id') ?? '',
    date: headers.get('date') ?? '',
    text,
    html,
    headers,
  };
}

function splitEntity(raw: string): { headers: Map<string, string>; body: string } {
  const normalized = raw.replace(/\r\n/g, '\n');
  const end = normalized.indexOf('\n\n');
  const head = end < 0 ? normalized : normalized.slice(0, end);
  const body = end < 0 ? '' : normalized.slice(end + 2);
  const headers = new Map<string, string>();
  for (const line of head.replace(/\n(?=[ \t])/g, '').split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, decodeWords(line.slice(colon + 1).trim()));
  }
  return { headers, body };
}

function leafParts(headers: Map<string, string>, body: string): { type: string; content: string }[] {
  const contentType = headers.get('content-type') ?? 'text/plain';
  const type = contentType.split(';')[0].trim().toLowerCase();
  if (type.startsWith('multipart/')) {
    const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
    if (!boundary) return [];
    const sections = body.split(`--${boundary}`).slice(1);
    return sections
      .filter((s) => !s.startsWith('--'))
      .flatMap((s) => {
        const part = splitEntity(s.replace(/^\n/, ''));
        return leafParts(part.headers, part.body);
      });
  }
  const encoding = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  const content =
    encoding === 'quoted-printable'
      ? decodeQuotedPrintable(body)
      : encoding === 'base64'
        ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
        : body;
  return [{ type, content: content.replace(/\n$/, '') }];
}

function decodeQuotedPrintable(body: string): string {
  const soft = body.replace(/=\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < soft.length; i++) {
    const hex = soft.slice(i + 1, i + 3);
    if (soft[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(soft[i], 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** RFC 2047 encoded words (`=?UTF-8?Q?…?=`, `=?UTF-8?B?…?=`). */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QB])\?([^?]*)\?=/gi, (_, _charset: string, kind: string, data: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : decodeQuotedPrintable(data.replace(/_/g, ' ')),
    );
}
