import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiSchema,
  ApiServiceUnavailableResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '../auth/caller';
import { RedisHealthIndicator } from './redis.health';
import { WorkHealthIndicator } from './work.health';

/** The health document, and on a 503 each failing part with its reason, e.g. "outbox: oldest unpublished row is 95 s old (threshold 60 s)". */
export type HealthDocument = HealthCheckResult & { reasons?: string[] };

/** One part of the check (database, redis, outbox, a queue): up or down, and what it found. */
@ApiSchema({ name: 'HealthIndicator', description: 'Besides status, what the part found (e.g. message, ageSeconds)' })
class HealthIndicatorView {
  @ApiProperty({ enum: ['up', 'down'] }) status!: 'up' | 'down';
  @ApiPropertyOptional({ type: String, description: 'Why it is down' }) message?: string;
}

const PARTS = {
  type: 'object',
  additionalProperties: { $ref: getSchemaPath(HealthIndicatorView) },
  description: 'By part: database, redis, outbox, queue:<name>',
} as const;

@ApiSchema({ name: 'Health' })
class HealthView {
  @ApiProperty({ enum: ['ok', 'error', 'shutting_down'] }) status!: string;
  @ApiPropertyOptional({ ...PARTS, nullable: true, description: 'The parts that are up' }) info?: object | null;
  @ApiPropertyOptional({ ...PARTS, nullable: true, description: 'The parts that are down' }) error?: object | null;
  @ApiProperty({ ...PARTS, description: 'Every part' }) details!: object;
  @ApiPropertyOptional({
    type: [String],
    description: 'When not ready: one reason per failing part, e.g. "outbox: oldest unpublished row is 95 s old"',
  })
  reasons?: string[];
}

@ApiTags('Health')
@ApiExtraModels(HealthIndicatorView)
@Controller('api/health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly work: WorkHealthIndicator,
  ) {}

  @Public()
  @Get()
  // Documented here (named schemas, the reasons of a 503) rather than by terminus.
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOkResponse({ type: HealthView, description: 'Ready' })
  @ApiServiceUnavailableResponse({ type: HealthView, description: 'Not ready: `reasons` says why' })
  @ApiOperation({
    operationId: 'getHealth',
    summary:
      'Readiness: the database and Redis answer, the outbox is published, every queue is served (503 naming the reasons when not)',
  })
  async check(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthDocument> {
    try {
      return await this.health.check([
        () => this.db.pingCheck('database'),
        () => this.redis.isHealthy(),
        () => this.work.outboxFlows(),
        () => this.work.queuesFlow(),
      ]);
    } catch (e) {
      // Not ready: 503 with the same health document, saying which part is down and why.
      if (!(e instanceof ServiceUnavailableException)) throw e;
      void reply.status(503);
      const document = e.getResponse() as HealthCheckResult;
      return { ...document, reasons: reasonsOf(document) };
    }
  }
}

/** "queue notifications: 12 jobs waiting, no worker connected; …", one per failing part. */
function reasonsOf(document: HealthCheckResult): string[] {
  const reasons = Object.entries(document.error ?? {}).map(([key, value]) => {
    const message = (value as { message?: unknown }).message;
    return `${key.replace(':', ' ')}: ${typeof message === 'string' ? message : 'down'}`;
  });
  return document.status === 'shutting_down' ? ['shutting down', ...reasons] : reasons;
}
