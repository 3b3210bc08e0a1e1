import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

export const SINK_SLOTS = { messages: 0, duplicates: 1, errors: 2 } as const;

export interface SinkSnapshot {
  messages: number;
  duplicates: number;
  errors: number;
  /** Epoch ms (sub-ms precision) of the first and the last message received; 0 when none. */
  firstAt: number;
  lastAt: number;
}

/** The handle of the SMTP sink running in a worker thread (smtp-sink-worker.ts). */
export class SmtpSink {
  private constructor(
    private readonly worker: Worker,
    private readonly count: Int32Array,
    private readonly at: Float64Array,
    readonly port: number,
  ) {}

  static async start(): Promise<SmtpSink> {
    const counters = new SharedArrayBuffer(4 * 4);
    const times = new SharedArrayBuffer(2 * 8);
    const worker = new Worker(join(__dirname, 'smtp-sink-worker.js'), { workerData: { counters, times } });
    const port = await new Promise<number>((resolve, reject) => {
      worker.once('message', (m: { port: number }) => resolve(m.port));
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the SMTP sink exited with code ${code}`)));
    });
    worker.unref();
    return new SmtpSink(worker, new Int32Array(counters), new Float64Array(times), port);
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  get messages(): number {
    return Atomics.load(this.count, SINK_SLOTS.messages);
  }

  snapshot(): SinkSnapshot {
    return {
      messages: Atomics.load(this.count, SINK_SLOTS.messages),
      duplicates: Atomics.load(this.count, SINK_SLOTS.duplicates),
      errors: Atomics.load(this.count, SINK_SLOTS.errors),
      firstAt: this.at[0],
      lastAt: this.at[1],
    };
  }

  async stop(): Promise<void> {
    this.worker.postMessage('stop');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise((r) => this.worker.once('exit', r)),
      new Promise((r) => (timer = setTimeout(r, 1000))),
    ]);
    clearTimeout(timer);
    await this.worker.terminate();
  }
}
