import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { SMTPServer } from 'smtp-server';
import { SINK_SLOTS } from './smtp-sink';

/**
 * The loopback SMTP sink, in a worker thread so that it does not share an event loop with
 * the load clients. It accepts every message, counts it in shared memory (with the time of
 * the first and last one) and counts a Message-ID seen twice as a duplicate.
 */
const { counters, times } = workerData as { counters: SharedArrayBuffer; times: SharedArrayBuffer };
const count = new Int32Array(counters);
const at = new Float64Array(times);
const seen = new Set<string>();

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  size: 10 * 1024 * 1024,
  onData(stream, _session, callback) {
    let header = '';
    let headerDone = false;
    stream.on('data', (chunk: Buffer) => {
      if (headerDone) return;
      header += chunk.toString('latin1');
      if (header.includes('\r\n\r\n') || header.includes('\n\n') || header.length > 64 * 1024) headerDone = true;
    });
    stream.on('end', () => {
      const id = /^message-id:\s*(\S+)/im.exec(header)?.[1];
      if (id) {
        if (seen.has(id)) Atomics.add(count, SINK_SLOTS.duplicates, 1);
        else seen.add(id);
      }
      const now = performance.timeOrigin + performance.now();
      if (Atomics.load(count, SINK_SLOTS.messages) === 0) at[0] = now;
      at[1] = now;
      Atomics.add(count, SINK_SLOTS.messages, 1);
      callback();
    });
    stream.on('error', () => Atomics.add(count, SINK_SLOTS.errors, 1));
  },
});
server.on('error', () => Atomics.add(count, SINK_SLOTS.errors, 1));

server.listen(0, '127.0.0.1', () => {
  const address = server.server.address();
  parentPort?.postMessage({ port: typeof address === 'object' && address ? address.port : 0 });
});

parentPort?.on('message', (m: unknown) => {
  if (m === 'stop') server.close(() => process.exit(0));
});
