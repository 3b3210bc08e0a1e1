import { BeforeApplicationShutdown, Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';

/**
 * How long the server keeps taking connections after the signal: requests a client sent just
 * before it may still wait in the listen backlog while the event loop is busy, and closing
 * the server would reset them. Readiness says `shutting down` meanwhile.
 */
const DRAIN_MS = 1000;

/**
 * From the shutdown signal on, the server takes connections for DRAIN_MS more, and every
 * answer closes its connection. The HTTP server's close ends the connections idle at that
 * moment and waits for the others; a keep-alive connection whose request was still running
 * would otherwise stay open after its answer (until the client's idle timeout, up to 72 s),
 * holding the process and the Redis it stops last.
 */
@Injectable()
export class HttpDrain implements OnModuleInit, BeforeApplicationShutdown {
  private draining = false;

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const http = this.adapterHost.httpAdapter as { getInstance(): FastifyInstance } | undefined;
    if (!http) return; // a worker process serves no HTTP
    http.getInstance().addHook('onSend', async (_request, reply, payload) => {
      if (this.draining) void reply.header('connection', 'close');
      return payload;
    });
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.draining = true;
    // Only for a signal: an app closed by a test or a command has nothing in flight.
    if (signal && this.adapterHost.httpAdapter) await new Promise((r) => setTimeout(r, DRAIN_MS));
  }
}
