import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import nodemailer, { Transporter } from 'nodemailer';
import { Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { SentJournal } from './sent-journal';

export interface OutgoingMail {
  /** The delivery record's id: makes the Message-ID and the outbox file name, so a resend is recognisable. */
  deliveryId: string;
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
}

/** Where e-mails go; also the injection token. */
export abstract class MailTransport {
  /** Sends one message; returns its Message-ID. Idempotent per deliveryId where the medium allows it. */
  abstract send(mail: OutgoingMail): Promise<string>;
  abstract close(): void;
}

export const messageIdOf = (deliveryId: string): string => `<${deliveryId}@eservices.connect.hkex.local>`;

/**
 * SMTP_URL set: nodemailer's pooled SMTP transport (connections are reused: ~6× the unpooled
 * rate). With a journal, an e-mail the server already accepted is not sent again, whichever
 * worker on whichever machine sent it (see SentJournal).
 */
export class SmtpTransport extends MailTransport {
  private readonly logger = new Logger('Mail');
  private readonly transporter: Transporter;

  constructor(
    url: string,
    private readonly journal: SentJournal | null = null,
  ) {
    super();
    this.transporter = nodemailer.createTransport(url, { pool: true, maxConnections: 5 } as object);
  }

  async send(mail: OutgoingMail): Promise<string> {
    // Rejects when the journal cannot be read: the job is retried rather than sent unchecked.
    const accepted = await this.journal?.acceptedAs(mail.deliveryId);
    if (accepted) return accepted;
    const messageId = messageIdOf(mail.deliveryId);
    await this.transporter.sendMail({
      from: mail.from,
      to: mail.to,
      subject: mail.subject,
      html: mail.html,
      text: mail.text,
      messageId,
    });
    // Accepted: whatever happens to the journal now, the e-mail is sent and is reported so
    // (failing here would only make the retry send it again); the SENT commit follows.
    await this.journal?.record(mail.deliveryId, messageId).catch((e: unknown) => {
      this.logger.warn(`e-mail ${messageId} sent, but not written to the journal: ${(e as Error).message}`);
    });
    return messageId;
  }

  close(): void {
    this.transporter.close();
  }
}

/**
 * SMTP_URL unset: each message is written as an .eml file to MAIL_OUTBOX_DIR, named
 * `<UTC time>-<delivery id>.eml` so the files sort by time. Written to a temporary name
 * (`….eml.tmp`) and renamed, so a file is either whole or absent; an existing file for the
 * same delivery is never written twice.
 */
export class OutboxFolderTransport extends MailTransport {
  private readonly logger = new Logger('Mail');
  private readonly dir: string;
  private readonly builder = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });

  constructor(
    dir: string,
    private readonly clock: Clock,
  ) {
    super();
    this.dir = resolve(dir);
    mkdirSync(this.dir, { recursive: true });
    this.removeHalfWritten();
  }

  /**
   * A process killed while writing leaves its `.eml.tmp`: that e-mail was never delivered
   * (no `.eml`), and its job's retry writes it again whole, so the leftover only misleads
   * whoever reads the folder. Removed at start. Should another process of this machine be
   * writing that very moment, its rename fails and its job is retried: still one file.
   */
  private removeHalfWritten(): void {
    const leftovers = readdirSync(this.dir).filter((name) => name.endsWith('.eml.tmp'));
    for (const name of leftovers) rmSync(join(this.dir, name), { force: true });
    if (leftovers.length > 0)
      this.logger.warn(`removed ${leftovers.length} half-written e-mail file(s) from ${this.dir}`);
  }

  async send(mail: OutgoingMail): Promise<string> {
    const messageId = messageIdOf(mail.deliveryId);
    if (readdirSync(this.dir).some((f) => f.endsWith(`-${mail.deliveryId}.eml`))) return messageId;
    const info = await this.builder.sendMail({
      from: mail.from,
      to: mail.to,
      subject: mail.subject,
      html: mail.html,
      text: mail.text,
      messageId,
      date: this.clock.now(),
    });
    const stamp = this.clock.now().toISOString().replace(/[-:]/g, '').replace('.', '');
    const final = join(this.dir, `${stamp}-${mail.deliveryId}.eml`);
    const temp = `${final}.tmp`;
    writeFileSync(temp, info.message as Buffer);
    renameSync(temp, final);
    return messageId;
  }

  close(): void {
    this.builder.close();
  }
}
