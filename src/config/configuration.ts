import { registerAs } from '@nestjs/config';
import { DEFAULT_DATABASE_URL } from './database-url';

/**
 * Typed configuration per namespace: the only reader of process.env besides ormconfig.ts.
 * Each value is checked once at boot, so a typo fails fast with a clear message.
 */
const intFrom = (name: string, fallback: number, min = 1, max = 65535): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer from ${min} to ${max}`);
  return n;
};

export const appConfig = registerAs('app', () => ({
  port: intFrom('PORT', 3000, 0),
  host: process.env.HOST ?? '0.0.0.0',
  /** Largest request body accepted, in bytes. */
  bodyLimit: intFrom('BODY_LIMIT', 64 * 1024, 1024, 10 * 1024 * 1024),
  seedFile: process.env.SEED_FILE || null,
  varDir: process.env.VAR_DIR ?? 'var',
}));

export const databaseConfig = registerAs('database', () => ({
  url: process.env.DATABASE_URL || DEFAULT_DATABASE_URL,
}));

export const authConfig = registerAs('auth', () => ({
  /** Unset: a random secret generated into var/ on first start and kept there. */
  jwtSecret: process.env.JWT_SECRET || null,
  accessTokenTtlSeconds: intFrom('ACCESS_TOKEN_TTL_SECONDS', 15 * 60, 30, 24 * 3600),
}));

export const CONFIG_NAMESPACES = [appConfig, databaseConfig, authConfig];
