import { Api, Recorder } from './http';
import { Options } from './options';
import { Progress } from './progress';
import { RunResult } from './run-result';
import { BenchSeed } from './seed';
import { Target } from './target';

/** What the phases of a run share: the options, the record they fill, the target and its logged-in users. */
export interface RunContext {
  o: Options;
  run: RunResult;
  progress: Progress;
  recorder: Recorder;
  t: Target;
  /** One HTTP client per API origin of the target. */
  apis: Api[];
  seed: BenchSeed;
  /** Access tokens by username. */
  tokens: Map<string, string>;
  /** The single service's VAR_DIR (its SQLite file). */
  varDir: string;
  /** Takes the SQL trace since the last call and files it under `label` (null: drops it). */
  trace(label: string | null): Promise<void>;
}
