import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENVIRONMENT_VARIABLES, EnvironmentError, readEnvironment } from '../../src/config/environment';

const refusal = (env: Record<string, string>): string[] => {
  try {
    readEnvironment(env);
  } catch (e) {
    if (e instanceof EnvironmentError) return e.lines;
    throw e;
  }
  throw new Error(`accepted: ${JSON.stringify(env)}`);
};

describe('the environment schema', () => {
  it('gives every default when nothing is set', () => {
    const env = readEnvironment({});
    expect(env).toMatchObject({ PORT: 3000, WORKERS: 'on', LOG_LEVEL: 'info', LOG_FORMAT: 'json', METRICS_PORT: 9464 });
    expect(env.REDIS_URL).toBeUndefined();
  });

  it('reads integers, choices and URLs', () => {
    const env = readEnvironment({
      PORT: '0',
      WORKERS: 'off',
      DATABASE_URL: 'postgres://u@h:5432/db',
      REDIS_URL: 'redis+unix:///srv/redis.sock',
      SMTP_URL: 'smtp://mail:25',
      CORS_ORIGINS: 'https://console.example:8443, http://localhost:5173',
      LOG_LEVEL: 'debug',
    });
    expect(env).toMatchObject({ PORT: 0, WORKERS: 'off', LOG_LEVEL: 'debug' });
  });

  it('counts an empty value as unset', () => {
    expect(readEnvironment({ PORT: '', REDIS_URL: '' })).toMatchObject({ PORT: 3000, REDIS_URL: undefined });
  });

  it.each([
    [{ WORKERS: 'sometimes' }, 'WORKERS="sometimes" is refused: must be one of the following values: on, off'],
    [{ PORT: 'abc' }, 'PORT="abc" is refused: must be an integer from 0 to 65535'],
    [{ PORT: '70000' }, 'PORT="70000" is refused: must be an integer from 0 to 65535'],
    [{ PORT: '3e3' }, 'PORT="3e3" is refused: must be an integer from 0 to 65535'],
    [{ MAIL_CONCURRENCY: '1.5' }, 'MAIL_CONCURRENCY="1.5" is refused: must be an integer from 1 to 500'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL="loud" is refused: must be one of the following values: fatal, error, warn'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL="mysql://x" is refused: must be sqlite://relative/path'],
    [{ REDIS_URL: 'localhost:6379' }, 'REDIS_URL="localhost:6379" is refused: must be redis://host:port'],
    [{ CORS_ORIGINS: '*' }, 'CORS_ORIGINS="*" is refused: must be browser origins separated by commas'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET=(hidden) is refused: must be at least 32 characters'],
  ])('refuses %j naming the variable and what it accepts', (env, line) => {
    const lines = refusal(env);
    expect(lines).toHaveLength(1);
    expect(lines[0].startsWith(line)).toBe(true);
  });

  it('names every bad variable at once', () => {
    expect(refusal({ PORT: '-1', WORKERS: 'yes', TWO_FACTOR: 'maybe' }).map((l) => l.split('=')[0])).toEqual([
      'PORT',
      'WORKERS',
      'TWO_FACTOR',
    ]);
  });
});

describe("the README's table of variables", () => {
  it('lists exactly the variables of the schema', () => {
    const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('\n## Configuration'));
    const table = section.slice(0, section.indexOf('\n## ', 1));
    const documented = [...table.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect([...documented].sort()).toEqual([...ENVIRONMENT_VARIABLES].sort());
  });
});

describe('a bad value at start', () => {
  const root = join(__dirname, '../..');
  it('stops the service with one line naming the variable, and no stack', () => {
    const run = spawnSync(process.execPath, [join(root, 'dist/src/main.js')], {
      cwd: root,
      env: { ...process.env, WORKERS: 'sometimes', VAR_DIR: '/nonexistent-never-created' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(78);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toEqual([
      'Configuration: WORKERS="sometimes" is refused: must be one of the following values: on, off',
    ]);
  });
});
