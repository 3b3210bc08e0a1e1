import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Vite names every file under assets/ by its content's hash: a new build is a new name. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Paths that belong to the service, never to the console: unknown ones keep their problem+json 404. */
const SERVICE_PATHS = /^\/(api|metrics)(\/|$)/;

export const CONSOLE_NOT_BUILT =
  'The web console is not built. Run `npm start` (or `npm --prefix web install && npm --prefix web run build`) and reload.\n';

/**
 * Serves the built console (SPEC §12) at `/` on the service's own port: its files with a
 * long cache on its hashed assets (web/dist/assets), and `index.html` with `no-cache` for every other GET outside
 * /api and /metrics, so deep links (`/eservices/{id}` in the e-mails) open the console. Its
 * content security policy (no inline script) is set for every answer in src/app.ts
 * (src/common/security-headers.ts).
 */
export async function serveConsole(app: NestFastifyApplication, consoleDir: string): Promise<void> {
  const root = resolve(consoleDir);
  const indexFile = join(root, 'index.html');
  const built = existsSync(indexFile);
  const fastify = app.getHttpAdapter().getInstance();
  // The plugin only lends reply.sendFile: the assets are answered by the catch-all below, so
  // the routes served are the same whether the console is built or not.
  const assets = join(root, 'assets');
  if (built && !fastify.hasReplyDecorator('sendFile'))
    await app.register(fastifyStatic, { root: assets, serve: false });
  const page = async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0]!;
    if (SERVICE_PATHS.test(path)) return reply.callNotFound();
    if (path.startsWith('/assets/'))
      return built
        ? reply
            .header('Cache-Control', IMMUTABLE)
            .sendFile(decodeURIComponent(path.slice('/assets/'.length)), assets, { cacheControl: false })
        : reply.callNotFound();
    if (!built)
      return reply.type('text/plain; charset=utf-8').header('Cache-Control', 'no-cache').send(CONSOLE_NOT_BUILT);
    return reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-cache').send(readFileSync(indexFile));
  };
  fastify.get('/', page);
  fastify.get('/*', page);
}
