import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, ModulesContainer } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { IS_PUBLIC, PASSWORD_CHANGE_ROUTE } from '../../src/auth/caller';

/**
 * The routes of the running app, read from the app itself (never typed by hand), so a
 * route added tomorrow shows up in the access matrix and the expired-password sweep.
 *
 * Two sources, checked against each other:
 * - Fastify's own router (`printRoutes`): every route that answers on the socket, Nest's
 *   and the plugins' (OpenAPI page, queue dashboard);
 * - Nest's controllers (DiscoveryService + MetadataScanner + PATH/METHOD metadata), which
 *   also say whether a handler is @Public() or @AllowedWithExpiredPassword().
 */

/** `GET /api/v1/eservices/:id`: the method and the path pattern as Fastify knows it. */
export type RouteKey = string;

export interface ServedRoute {
  method: string;
  path: string;
  key: RouteKey;
}

export interface NestRoute extends ServedRoute {
  controller: string;
  handler: string;
  isPublic: boolean;
  allowedWithExpiredPassword: boolean;
}

export const routeKey = (method: string, path: string): RouteKey => `${method.toUpperCase()} ${path}`;

/**
 * Every route of the Fastify instance. Fastify adds a HEAD route beside each GET: those
 * are left out (they answer as the GET does); a HEAD route of its own would be kept.
 */
export function servedRoutes(app: NestFastifyApplication): ServedRoute[] {
  const tree = app.getHttpAdapter().getInstance().printRoutes({ commonPrefix: false });
  const prefixes: string[] = [];
  const found = new Map<RouteKey, ServedRoute>();
  for (const line of tree.split('\n')) {
    const branch = line.search(/[├└]── /);
    if (branch < 0) continue;
    const depth = branch / 4;
    if (!Number.isInteger(depth)) throw new Error(`unexpected route tree line: ${JSON.stringify(line)}`);
    const rest = line.slice(branch + 4);
    const m = /^(.*?)(?: \(([A-Z, ]+)\))?$/.exec(rest);
    if (!m) throw new Error(`unexpected route tree line: ${JSON.stringify(line)}`);
    const path = (prefixes[depth - 1] ?? '') + m[1];
    prefixes[depth] = path;
    prefixes.length = depth + 1;
    const methods = (m[2] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const method of methods) {
      if (method === 'HEAD' && methods.includes('GET')) continue;
      found.set(routeKey(method, path), { method, path, key: routeKey(method, path) });
    }
  }
  if (found.size === 0) throw new Error(`no routes read from:\n${tree}`);
  return [...found.values()].sort((a, b) => a.key.localeCompare(b.key));
}

const joinPath = (...parts: string[]): string =>
  '/' +
  parts
    .flatMap((p) => p.split('/'))
    .filter(Boolean)
    .join('/');

/**
 * Every handler of every Nest controller, with the path Fastify serves it under: the
 * global prefix applies unless the route is excluded from it, so of the two candidates
 * exactly one must be served.
 */
export function nestRoutes(app: NestFastifyApplication, served: ServedRoute[], globalPrefix: string): NestRoute[] {
  const discovery = new DiscoveryService(app.get(ModulesContainer));
  const scanner = new MetadataScanner();
  const servedKeys = new Set(served.map((r) => r.key));
  const routes: NestRoute[] = [];
  for (const wrapper of discovery.getControllers()) {
    const metatype = wrapper.metatype as (abstract new (...args: never[]) => unknown) | null;
    if (!metatype) continue;
    const classPaths = [Reflect.getMetadata(PATH_METADATA, metatype) as string | string[] | undefined].flat();
    const classPublic = Reflect.getMetadata(IS_PUBLIC, metatype) === true;
    for (const name of scanner.getAllMethodNames(metatype.prototype as object)) {
      const handler = (metatype.prototype as Record<string, unknown>)[name] as object;
      const methodPath = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
      if (methodPath === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
      for (const classPath of classPaths)
        for (const mp of [methodPath].flat()) {
          const bare = joinPath(classPath ?? '', mp);
          const candidates = [joinPath(globalPrefix, bare), bare].filter((p) => servedKeys.has(routeKey(method, p)));
          if (candidates.length !== 1)
            throw new Error(
              `${metatype.name}.${name} (${method} ${bare}) is served ${candidates.length} times: ${candidates.join(', ')}`,
            );
          routes.push({
            method,
            path: candidates[0],
            key: routeKey(method, candidates[0]),
            controller: metatype.name,
            handler: name,
            isPublic: classPublic || Reflect.getMetadata(IS_PUBLIC, handler) === true,
            allowedWithExpiredPassword: Reflect.getMetadata(PASSWORD_CHANGE_ROUTE, handler) === true,
          });
        }
    }
  }
  if (routes.length === 0) throw new Error('no Nest controller routes discovered');
  return routes.sort((a, b) => a.key.localeCompare(b.key));
}

/** `/eservices/:id/:action` with `{id: 'x', action: 'submit'}`; `*` is the `wildcard` value. */
export function fillPath(pattern: string, params: Record<string, string>): string {
  return pattern
    .replace(/:([A-Za-z]+)/g, (_, name: string) => {
      const value = params[name];
      if (value === undefined) throw new Error(`no value for :${name} of ${pattern}`);
      return encodeURIComponent(value);
    })
    .replace(/\*$/, () => {
      const value = params['*'];
      if (value === undefined) throw new Error(`no value for * of ${pattern}`);
      return value;
    });
}
