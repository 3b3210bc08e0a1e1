import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { Company } from '../registry/company.entity';
import { Participantship } from '../registry/participantship.entity';
import { UserProfile } from '../registry/user-profile.entity';
import { AppUser } from '../auth/app-user.entity';
import { EServiceForm } from '../eservices/eservice-form.entity';
import { FormHistory } from '../eservices/form-history.entity';
import { ReferenceCounter } from '../eservices/reference-counter.entity';
import { BillingRecord } from '../eservices/billing-record.entity';
import { InitialSchema1763800000000 } from '../common/migrations/1763800000000-initial-schema';
import { OutboxAndDeliveries1763900000000 } from '../common/migrations/1763900000000-outbox-and-deliveries';
import { LoginSecurity1764000000000 } from '../common/migrations/1764000000000-login-security';
import { LockoutWindow1764100000000 } from '../common/migrations/1764100000000-lockout-window';
import { ListIndexes1764200000000 } from '../common/migrations/1764200000000-list-indexes';
import { NewestFirstIndexes1764300000000 } from '../common/migrations/1764300000000-newest-first-indexes';
import { CheckerTasksIndex1764400000000 } from '../common/migrations/1764400000000-checker-tasks-index';
import { TaskOrderIndexes1764500000000 } from '../common/migrations/1764500000000-task-order-indexes';
import { OutboxDoneIndex1764600000000 } from '../common/migrations/1764600000000-outbox-done-index';
import { AuditEvent } from '../auth/audit-event.entity';
import { IdempotencyRecord } from '../common/idempotency-record.entity';
import { IdempotencyKeys1764900000000 } from '../common/migrations/1764900000000-idempotency-keys';
import { FormSearchTerms1765000000000 } from '../common/migrations/1765000000000-form-search-terms';
import { UserLanguageAndEnrolment1765100000000 } from '../common/migrations/1765100000000-user-language-and-enrolment';
import { CompletionMessage1765200000000 } from '../common/migrations/1765200000000-completion-message';
import { RefreshTokens1765300000000 } from '../common/migrations/1765300000000-refresh-tokens';
import { RefreshToken } from '../auth/refresh-token.entity';
import { HistoryChanges1765500000000 } from '../common/migrations/1765500000000-history-changes';
import { DeliveryLanguage1765730000000 } from '../common/migrations/1765730000000-delivery-language';
import { CompletionFailures1765600000000 } from '../common/migrations/1765600000000-completion-failures';
import { ExportIndexes1765740000000 } from '../common/migrations/1765740000000-export-indexes';
import { DueDates1765750000000 } from '../common/migrations/1765750000000-due-dates';
import { SearchTermSortKey1765760000000 } from '../common/migrations/1765760000000-search-term-sort-key';
import { ListFilterIndex1765770000000 } from '../common/migrations/1765770000000-list-filter-index';
import { ClosedDay } from '../eservices/due-dates/closed-day.entity';
import { LoginChallenge } from '../auth/login-challenge.entity';
import { LoginState } from '../auth/login-state.entity';
import { OutboxMessage } from '../queue/outbox-message.entity';
import { Delivery } from '../notifications/delivery.entity';
import { parseDatabaseUrl } from './database-url';

export const ENTITIES = [
  Company,
  Participantship,
  UserProfile,
  AppUser,
  EServiceForm,
  FormHistory,
  ReferenceCounter,
  BillingRecord,
  OutboxMessage,
  Delivery,
  LoginState,
  LoginChallenge,
  AuditEvent,
  IdempotencyRecord,
  RefreshToken,
  ClosedDay,
];
export const MIGRATIONS = [
  InitialSchema1763800000000,
  OutboxAndDeliveries1763900000000,
  LoginSecurity1764000000000,
  LockoutWindow1764100000000,
  ListIndexes1764200000000,
  NewestFirstIndexes1764300000000,
  CheckerTasksIndex1764400000000,
  TaskOrderIndexes1764500000000,
  OutboxDoneIndex1764600000000,
  IdempotencyKeys1764900000000,
  FormSearchTerms1765000000000,
  UserLanguageAndEnrolment1765100000000,
  CompletionMessage1765200000000,
  RefreshTokens1765300000000,
  HistoryChanges1765500000000,
  CompletionFailures1765600000000,
  DeliveryLanguage1765730000000,
  ExportIndexes1765740000000,
  DueDates1765750000000,
  SearchTermSortKey1765760000000,
  ListFilterIndex1765770000000,
];

/** SQLite durability: WAL with synchronous=FULL, so a committed transition survives a power cut. */
export const SQLITE_SYNCHRONOUS = 'FULL';

/** The one definition of how the service reaches its database; ormconfig.ts and the app both use it. */
export function dataSourceOptions(databaseUrl?: string): DataSourceOptions {
  const target = parseDatabaseUrl(databaseUrl);
  const common = { entities: ENTITIES, migrations: MIGRATIONS, migrationsRun: false, synchronize: false };
  if (target.kind === 'postgres') return { type: 'postgres', url: target.url, ...common };
  mkdirSync(dirname(target.file), { recursive: true });
  return {
    type: 'better-sqlite3',
    database: target.file,
    enableWAL: true,
    prepareDatabase: (db: { pragma(sql: string): unknown }) => {
      db.pragma(`synchronous = ${SQLITE_SYNCHRONOUS}`);
      db.pragma('busy_timeout = 5000');
    },
    ...common,
  };
}
