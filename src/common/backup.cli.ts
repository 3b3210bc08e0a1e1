import { checkEnvironment } from '../config/environment';
import { databaseConfig } from '../config/configuration';
import { parseDatabaseUrl } from '../config/database-url';
import { BackupRefused, backupSqlite } from './sqlite-backup';

/**
 * `npm run backup -- FILE`: a consistent copy of the SQLite database DATABASE_URL names,
 * taken while the service runs (SQLite's online backup; see sqlite-backup.ts). On PostgreSQL
 * it does nothing and names the tool that does it, pg_dump. Exit code 0 when the backup is
 * written, 1 when it was refused or failed (then no file is left under FILE).
 */
async function main(argv: string[]): Promise<number> {
  if (argv.length !== 1 || !argv[0].trim() || argv[0].startsWith('-')) {
    console.error('usage: npm run backup -- FILE   (a new file: the backup never overwrites one)');
    return 1;
  }
  const [file] = argv;
  const target = parseDatabaseUrl(databaseConfig().url);
  if (target.kind === 'postgres') {
    console.error(
      'DATABASE_URL names PostgreSQL: back it up with pg_dump, which takes a consistent snapshot while the service runs:\n' +
        `  pg_dump --format=custom --file=${shellQuote(file)} "$DATABASE_URL"\n` +
        `and restore with: pg_restore --clean --if-exists --dbname="$DATABASE_URL" ${shellQuote(file)}\n` +
        'Nothing was written.',
    );
    return 1;
  }
  try {
    const b = await backupSqlite(target.file, file);
    console.log(
      `backup of ${target.file} written to ${b.path}: ${formatBytes(b.bytes)} (${b.bytes} bytes), ` +
        `${b.pages} pages of ${b.pageSize} bytes, integrity ok, in ${Math.round(b.ms)} ms`,
    );
    return 0;
  } catch (e) {
    const reason = e instanceof BackupRefused ? e.message : `the backup failed: ${(e as Error).message}`;
    console.error(`${reason}. Nothing was written.`);
    return 1;
  }
}

const shellQuote = (s: string): string => (/^[\w./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

function formatBytes(n: number): string {
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

checkEnvironment();
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
