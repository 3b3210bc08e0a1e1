import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BoardAdapter } from '@bull-board/fastify';
import { Logger } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OutboxService } from './outbox.service';
import { QUEUE_NAMES } from './queues';

/** Checks an HKEX staff login (password followed by the current code); failures count towards the lock. */
export type StaffCheck = (username: string, secret: string, origin: { ip: string | null }) => Promise<boolean>;

export const DASHBOARD_PATH = '/api/admin/queues';
const REMEMBER_MS = 60_000;

/**
 * The BullMQ dashboard (bull-board) for HKEX operators at /api/admin/queues. A browser
 * cannot send our bearer token to a page, so the dashboard asks for the operator's
 * username and, as password, their password followed by the authenticator's current code
 * (HTTP Basic), checked by the login policy (failures count towards the lock). A verified
 * login is remembered for a minute (argon2 is deliberately slow and the page polls).
 */
export function mountQueueDashboard(app: NestFastifyApplication, verifyStaff: StaffCheck): void {
  const logger = new Logger('QueueDashboard');
  let queues;
  try {
    const outbox = app.get(OutboxService);
    queues = Object.values(QUEUE_NAMES).map((name) => new BullMQAdapter(outbox.queue(name)));
  } catch (e) {
    logger.warn(`queue dashboard not mounted: ${(e as Error).message}`);
    return;
  }
  const board = new BoardAdapter();
  board.setBasePath(DASHBOARD_PATH);
  createBullBoard({ queues, serverAdapter: board });
  const verified = new Map<string, number>();

  const requireOperator = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const header = request.headers.authorization ?? '';
    const key = createHash('sha256').update(header).digest('hex');
    if ((verified.get(key) ?? 0) > Date.now()) return;
    const match = /^Basic\s+(\S+)$/i.exec(header);
    const [username, ...rest] = match ? Buffer.from(match[1], 'base64').toString('utf8').split(':') : [];
    if (username && (await verifyStaff(username, rest.join(':'), { ip: request.ip ?? null }))) {
      verified.set(key, Date.now() + REMEMBER_MS);
      return;
    }
    await reply
      .status(401)
      .header('WWW-Authenticate', 'Basic realm="HKEX operators", charset="UTF-8"')
      .header('content-type', 'application/problem+json')
      .send({
        type: 'urn:eservices:problem:unauthenticated',
        title: 'Unauthorized',
        status: 401,
        code: 'UNAUTHENTICATED',
        detail: 'HKEX operator login required.',
      });
  };

  void app
    .getHttpAdapter()
    .getInstance()
    .register(async (scope) => {
      scope.addHook('onRequest', requireOperator);
      await scope.register(board.registerPlugin(), { prefix: DASHBOARD_PATH });
    });
}
