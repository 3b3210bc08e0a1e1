import { isAbsolute, resolve } from 'node:path';

export type DatabaseTarget = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

export const DEFAULT_DATABASE_URL = 'sqlite://var/eservices.sqlite';

/**
 * Reads DATABASE_URL (SPEC §10): `sqlite://var/x.sqlite` is relative to the working
 * directory, `sqlite:///srv/x.sqlite` absolute, `postgres://…` PostgreSQL.
 */
export function parseDatabaseUrl(url: string = DEFAULT_DATABASE_URL, cwd = process.cwd()): DatabaseTarget {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return { kind: 'postgres', url };
  const match = /^sqlite:\/\/(.+)$/.exec(url);
  if (!match) throw new Error(`DATABASE_URL must start with sqlite:// or postgres:// (got "${url}")`);
  const path = match[1];
  return { kind: 'sqlite', file: isAbsolute(path) ? path : resolve(cwd, path) };
}
