/**
 * The production pipeline on BigQuery, step by step through the `leadscore` CLI and one config file
 * (`leadscore.config.json` in this directory): each step is the command an operator or a scheduler
 * runs, with its exit code checked before the next one starts.
 */
import { join } from 'node:path';
import { type CliIo, type ExitCode, loadConfig, runCli } from '@leadscore/cli';

/** One step of {@link runBigQueryPipeline}: the command line it ran and what came of it. */
export interface PipelineStep {
  readonly name: string;
  readonly argv: readonly string[];
  readonly exitCode: ExitCode;
  /** The command's `--json` result. */
  readonly result: Readonly<Record<string, unknown>>;
}

/** Options of {@link runBigQueryPipeline}. */
export interface RunBigQueryPipelineOptions {
  /** The config file every step reads (warehouse, tables, dataset, train, artifactsDir). */
  config: string;
  /** Directory relative paths resolve against. @default process.cwd() */
  cwd?: string;
  /** Generate a synthetic world and import it first (replacing the three source tables). @default false */
  demoData?: boolean;
  /** Extra `train` flags, e.g. `['--cv-folds', '2']` for a smoke run. @default [] */
  trainFlags?: readonly string[];
  /** Table the `score` step writes. @default 'lead_scores' */
  scoresTable?: string;
  /** Cancels the running step (BigQuery jobs in flight are cancelled). */
  signal?: AbortSignal;
  /** Where each step's human lines go. @default console.log */
  log?: (line: string) => void;
}

/** What {@link runBigQueryPipeline} did: every step in order, and where it stopped. */
export interface RunBigQueryPipelineResult {
  readonly steps: readonly PipelineStep[];
  /** True when every step ran; false when a step exited 2 or 3 (the later steps did not run). */
  readonly completed: boolean;
  /** 0 when every step succeeded; 1 when a gate failed (the run still went on); else the failing step's code. */
  readonly exitCode: ExitCode;
}

/** Exit 1 is a gate verdict, not a broken step: train, validate and verify report it and the run goes on. */
const GATE_FAILED = 1;

/**
 * Runs world generate (with `demoData`), warehouse import, dataset build, dataset verify, features,
 * train, validate, docs and score (training-table shaped rows to a scores table), each as
 * `leadscore <step> --config FILE --json`.
 * @example const { exitCode } = await runBigQueryPipeline({ config: 'leadscore.config.json' });
 */
export async function runBigQueryPipeline(
  options: RunBigQueryPipelineOptions,
): Promise<RunBigQueryPipelineResult> {
  const cwd = options.cwd ?? process.cwd();
  // Read (and validated) up front, so a bad key stops the run before any BigQuery job starts.
  const { config } = loadConfig(options.config, cwd);
  const log = options.log ?? ((line: string) => console.log(line));
  const steps: PipelineStep[] = [];
  let exitCode: ExitCode = 0;

  async function step(name: string, argv: string[]): Promise<PipelineStep | null> {
    let out = '';
    let err = '';
    const io: CliIo = {
      cwd,
      stdout: {
        isTTY: false,
        write: (t: string) => {
          out += t;
          return true;
        },
      },
      stderr: {
        write: (t: string) => {
          err += t;
          return true;
        },
      },
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    };
    const full = [...argv, '--config', options.config, '--json'];
    const code = await runCli(full, io);
    const last = out.trimEnd().split('\n').at(-1) ?? '';
    const result = (last.startsWith('{') ? JSON.parse(last) : {}) as Record<string, unknown>;
    const done: PipelineStep = { name, argv: full, exitCode: code, result };
    steps.push(done);
    const failed = (result.gates as { failed?: readonly string[] } | undefined)?.failed ?? [];
    const why =
      err !== '' ? `: ${err.trim()}` : failed.length > 0 ? ` (gates failed: ${failed.join(', ')})` : '';
    log(`${name.padEnd(18)} exit ${code}${why}`);
    if (code === GATE_FAILED) exitCode = GATE_FAILED;
    if (code > GATE_FAILED) {
      exitCode = code;
      return null;
    }
    return done;
  }

  const stop = () => ({ steps, completed: false, exitCode });
  if (options.demoData) {
    if (!(await step('world generate', ['world', 'generate']))) return stop();
    if (!(await step('warehouse import', ['warehouse', 'import', '--world', config.world.out])))
      return stop();
  }
  const built = await step('dataset build', ['dataset', 'build']);
  if (!built) return stop();
  const table = String(built.result.table);
  if (!(await step('dataset verify', ['dataset', 'verify', '--table', table]))) return stop();
  if (!(await step('features', ['features', '--table', table]))) return stop();
  const trained = await step('train', ['train', '--table', table, ...(options.trainFlags ?? [])]);
  if (!trained) return stop();
  const model = String((trained.result.artifacts as { model?: string } | undefined)?.model);
  if (!(await step('validate', ['validate', '--model', model, '--table', table, '--scoring-table', table])))
    return stop();
  const docs = join(config.artifactsDir, 'MODEL_DOCUMENTATION.md');
  if (!(await step('docs', ['docs', '--model', model, '--output', docs]))) return stop();
  const scores = options.scoresTable ?? 'lead_scores';
  if (!(await step('score', ['score', '--model', model, '--input', table, '--output', scores])))
    return stop();
  return { steps, completed: true, exitCode };
}
