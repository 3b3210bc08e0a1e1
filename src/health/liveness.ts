import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';

export const LIVENESS_PATH = '/api/health/live';

/**
 * Liveness at /api/health/live: 200 as long as the process answers. No I/O, so an outage of
 * the database or Redis (which readiness reports) never gets the process restarted. A route
 * on Fastify itself: the global prefix spares exactly `api/health` (src/app.ts), and this
 * answer needs nothing of Nest's (no guard, no pipe). Not in an HTTP-less process (a worker).
 */
@Injectable()
export class LivenessRoute implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const http = this.adapterHost.httpAdapter as { getInstance(): FastifyInstance } | undefined;
    if (!http) return;
    http.getInstance().get(LIVENESS_PATH, (_request, reply) => {
      void reply.send({ status: 'ok' });
    });
  }
}
