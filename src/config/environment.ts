import { plainToInstance } from 'class-transformer';
import {
  getMetadataStorage,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
  ValidationError,
} from 'class-validator';

const ON_OFF = ['on', 'off'] as const;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const ORIGIN = 'https?://[A-Za-z0-9.-]+(:\\d{1,5})?';

/**
 * Every environment variable the service reads, its type, range and default: the one schema
 * checked at boot (`checkEnvironment`), before anything starts. The typed namespaces in
 * configuration.ts read from here, and the README's table of variables is checked against
 * this class by a test. An empty value counts as unset. Each `@…` line says what is
 * accepted, and the refusal repeats it.
 */
export class Environment {
  @IsInt() @Min(0) @Max(65535) PORT = 3000;
  @IsString() @MinLength(1) HOST = '0.0.0.0';
  @Matches(/^(sqlite:\/\/.+|postgres(ql)?:\/\/.+)$/, {
    message: 'must be sqlite://relative/path, sqlite:///absolute/path or postgres://user@host:port/db',
  })
  DATABASE_URL = 'sqlite://var/eservices.sqlite';
  @IsOptional() @IsString() @MinLength(1) SEED_FILE?: string = undefined;
  @IsOptional() @IsString() @MinLength(32, { message: 'must be at least 32 characters' }) JWT_SECRET?: string =
    undefined;
  @IsInt() @Min(30) @Max(24 * 3600) ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
  @IsInt() @Min(1) @Max(24 * 60) SESSION_IDLE_MINUTES = 30;
  @IsInt() @Min(1) @Max(30 * 24) SESSION_MAX_HOURS = 12;
  @IsInt() @Min(1024) @Max(10 * 1024 * 1024) BODY_LIMIT = 64 * 1024;
  @IsString() @MinLength(1) VAR_DIR = 'var';
  @IsString() @MinLength(1) CONSOLE_DIR = 'web/dist';
  @IsOptional()
  @Matches(/^(redis|rediss):\/\/.+|^redis\+unix:\/\/\/.+/, {
    message: 'must be redis://host:port, rediss://host:port or redis+unix:///path/to/redis.sock',
  })
  REDIS_URL?: string = undefined;
  @IsOptional() @Matches(/^smtps?:\/\/.+/, { message: 'must be smtp://host:port or smtps://host:port' }) SMTP_URL?:
    string | undefined = undefined;
  @IsOptional() @IsString() @MinLength(1) MAIL_OUTBOX_DIR?: string = undefined;
  @IsString() @MinLength(3) @MaxLength(320) MAIL_FROM = 'HKEX Client Connect <noreply_connect@hkex.com.hk>';
  @IsIn(ON_OFF) WORKERS: (typeof ON_OFF)[number] = 'on';
  @IsInt() @Min(1) @Max(500) WORKER_CONCURRENCY = 20;
  @IsInt() @Min(1) @Max(500) MAIL_CONCURRENCY = 50;
  @IsInt() @Min(1000) @Max(600_000) JOB_LOCK_MS = 30_000;
  @IsInt() @Min(0) @Max(600_000) SHUTDOWN_JOB_WAIT_MS = 10_000;
  @IsInt() @Min(10) @Max(60_000) OUTBOX_RELAY_MS = 250;
  @IsInt() @Min(1000) @Max(86_400_000) OUTBOX_REPUBLISH_MS = 120_000;
  @IsInt() @Min(1) @Max(36_500) OUTBOX_RETENTION_DAYS = 30;
  @IsInt() @Min(100) @Max(86_400_000) OUTBOX_PRUNE_MS = 3_600_000;
  @IsInt() @Min(1) @Max(20) DUE_BUSINESS_DAYS = 2;
  @IsInt() @Min(1000) @Max(3_600_000) OVERDUE_CHECK_MS = 60_000;
  @IsInt() @Min(100) @Max(86_400_000) HEALTH_OUTBOX_MAX_AGE_MS = 60_000;
  @IsInt() @Min(100) @Max(86_400_000) HEALTH_QUEUE_STALL_MS = 60_000;
  @IsInt() @Min(0) @Max(60_000) CALLER_CACHE_MS = 1000;
  @IsIn(ON_OFF) TWO_FACTOR: (typeof ON_OFF)[number] = 'on';
  @IsInt() @Min(1) @Max(1_000_000) AUTH_RATE_LIMIT_PER_MINUTE = 30;
  @IsOptional()
  @Matches(new RegExp(`^${ORIGIN}(\\s*,\\s*${ORIGIN})*$`), {
    message: 'must be browser origins separated by commas, e.g. https://console.example:8443',
  })
  CORS_ORIGINS?: string = undefined;
  @IsIn(LOG_LEVELS) LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';
  @IsIn(['json', 'pretty']) LOG_FORMAT: 'json' | 'pretty' = 'json';
  @IsOptional() @IsString() @MinLength(16, { message: 'must be at least 16 characters' }) METRICS_TOKEN?: string =
    undefined;
  @IsInt() @Min(0) @Max(65535) METRICS_PORT = 9464;
}

/** The variables of the schema, in its order. */
export const ENVIRONMENT_VARIABLES = Object.keys(new Environment()) as (keyof Environment)[];

const INTEGERS = new Set(
  ENVIRONMENT_VARIABLES.filter((name) => typeof new Environment()[name] === 'number') as string[],
);

/** A refusal of the environment: one line per bad variable, naming it and what it accepts. */
export class EnvironmentError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
    this.name = 'EnvironmentError';
  }
}

/** The environment as the schema reads it; throws EnvironmentError naming each bad variable. */
export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  const given: Record<string, string | number> = {};
  for (const name of ENVIRONMENT_VARIABLES) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    // Integers are written as digits only: "3e3", " 12", "0x10" or "1.0" are refused.
    given[name] = INTEGERS.has(name) && /^-?\d+$/.test(raw) ? Number(raw) : raw;
  }
  const parsed = plainToInstance(Environment, given);
  const errors = validateSync(parsed, { forbidUnknownValues: true });
  if (errors.length) throw new EnvironmentError(errors.map((e) => describe(e, env)));
  return parsed;
}

/** An integer variable's @Min or @Max, as the schema declares it. */
function bound(name: string, which: 'min' | 'max'): number {
  const found = getMetadataStorage()
    .getTargetValidationMetadatas(Environment, '', true, false)
    .find((m) => m.propertyName === name && m.name === which);
  return found?.constraints[0] as number;
}

function describe(error: ValidationError, env: NodeJS.ProcessEnv): string {
  const name = error.property;
  const messages = Object.values(error.constraints ?? {}).map((m) =>
    // class-validator's messages start with the property's name: say it once.
    m.startsWith(`${name} `) ? m.slice(name.length + 1) : m,
  );
  const shown = name.includes('SECRET') || name.includes('TOKEN') ? '(hidden)' : JSON.stringify(env[name]);
  const accepted = INTEGERS.has(name)
    ? `must be an integer from ${bound(name, 'min')} to ${bound(name, 'max')}`
    : messages.join('; ');
  return `${name}=${shown} is refused: ${accepted}`;
}

/**
 * For the entry points (service, worker, commands): checks the environment before anything
 * starts; on a bad value prints one line per bad variable, no stack, and exits with 78
 * (EX_CONFIG).
 */
export function checkEnvironment(): void {
  try {
    readEnvironment();
  } catch (e) {
    if (!(e instanceof EnvironmentError)) throw e;
    for (const line of e.lines) process.stderr.write(`Configuration: ${line}\n`);
    process.exit(78);
  }
}
