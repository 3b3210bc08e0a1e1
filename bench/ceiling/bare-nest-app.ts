import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * The bare-route ceiling: a Nest app on the same Fastify adapter as the service with one
 * GET route, no guard, no database, no validation. What the framework alone costs here.
 */
@Controller('api/v1')
class PingController {
  @Get('ping')
  ping(): { ok: true; status: string; version: number } {
    return { ok: true, status: 'COMPLETED', version: 6 };
  }
}

@Module({ controllers: [PingController] })
class BareModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(BareModule, new FastifyAdapter(), { logger: false });
  app.enableShutdownHooks();
  await app.listen({ port: Number(process.env.PORT ?? 3999), host: '127.0.0.1' });
}

void main();
