import { Presets, SingleBar } from 'cli-progress';

/** One progress bar, restarted for each phase of the run. */
export class Progress {
  private readonly bar = new SingleBar(
    {
      format: ' {phase} |{bar}| {value}/{total} {unit}  {info}',
      hideCursor: true,
      barsize: 30,
      clearOnComplete: false,
      stopOnComplete: false,
      noTTYOutput: true,
      notTTYSchedule: 3000,
      etaBuffer: 20,
    },
    Presets.shades_classic,
  );
  private running = false;
  private started = 0;

  phase(name: string, total: number, unit = ''): void {
    this.stop();
    this.bar.start(Math.max(1, Math.round(total)), 0, { phase: name.padEnd(34), unit, info: '' });
    this.running = true;
    this.started = Date.now();
  }

  update(value: number, info = ''): void {
    if (this.running) this.bar.update(Math.round(value), { info });
  }

  stop(): void {
    if (!this.running) return;
    this.bar.stop();
    this.running = false;
  }

  log(message: string): void {
    this.stop();
    console.log(message);
  }

  get elapsedMs(): number {
    return Date.now() - this.started;
  }
}
