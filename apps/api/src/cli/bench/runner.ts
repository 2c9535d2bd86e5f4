/**
 * Runs a benchmark plan, model by model: calibrate the prompt length, measure cold loads
 * (`--cold`: unload, wait, time the load), then for each prompt length × concurrency one
 * discarded warm-up and `runs` rounds of N parallel streams. A stop (Ctrl-C, --max-minutes)
 * starts nothing new; a round cut short by it is left out, everything finished is kept.
 */
import type { Ollama } from 'ollama';
import { calibrateModel } from './calibrate.js';
import { buildPrompt, charsFor, promptPrefix, refineFit, type TokenFit } from './prompt.js';
import { BENCH_RESULT_VERSION, type BenchResult, type CellResult, cellResult, type ModelResult } from './results.js';
import { measureSample, type Sample } from './sample.js';
import { type BenchSettings, runProject } from './settings.js';
import { spreadOf } from './spread.js';
import { unloadModel } from './unload.js';

/** Why a run stops before its plan ends; set from outside (a signal) or by the clock. */
export interface BenchStop {
  reason: 'interrupted' | 'max-minutes' | null;
}

/** What the runner needs besides the settings. */
export interface BenchRunContext {
  measured: Ollama;
  setup: Ollama;
  gateway: boolean;
  stop: BenchStop;
  /** Epoch ms. */
  now(): number;
  /** One step of {@link benchSteps} done; `label` says what runs now. */
  onStep(label: string): void;
}

// A prompt count this far from the target makes the runner re-fit before measuring.
const REFIT_TOLERANCE = 0.02;

/** Steps of a plan (progress total): per model a calibration, cold runs, and per cell a warm-up and the runs. */
export function benchSteps(settings: BenchSettings): number {
  const cells = settings.promptTokens.length * settings.concurrency.length;
  return settings.models.length * (1 + (settings.cold ? settings.runs : 0) + cells * (1 + settings.runs));
}

/**
 * Runs the plan of `settings`; resolves with what finished (never rejects for a model's
 * failure: that model's `error` says it).
 */
export async function runBench(settings: BenchSettings, context: BenchRunContext): Promise<BenchResult> {
  const startedAt = context.now();
  const deadline = settings.maxMs === null ? Number.POSITIVE_INFINITY : startedAt + settings.maxMs;
  const mayStart = () => {
    if (context.stop.reason === null && context.now() >= deadline) context.stop.reason = 'max-minutes';
    return context.stop.reason === null;
  };
  let sequence = 0;
  const prompt = (chars: number) => buildPrompt(promptPrefix(settings.runId, sequence++, settings.cacheDefeat), chars);
  const models: ModelResult[] = [];

  for (const model of settings.models) {
    if (!mayStart()) break;
    const result: ModelResult = { model, cold_load_ms: null, warm_load_ms: spreadOf([]), cells: [], error: null };
    models.push(result);
    const warmLoads: Array<number | null> = [];
    try {
      context.onStep(`${model}: calibrating`);
      let fit = await calibrateModel(context.setup, model, settings.runId, settings.numCtx);
      if (settings.cold) result.cold_load_ms = spreadOf(await coldLoads(model, fit));
      for (const promptTokens of settings.promptTokens) {
        for (const concurrency of settings.concurrency) {
          if (!mayStart()) break;
          context.onStep(`${model}: ${promptTokens} tokens × ${concurrency}, warm-up`);
          fit = await warmUp(model, promptTokens, fit);
          const cell = await measureCell(model, promptTokens, concurrency, charsFor(promptTokens, fit));
          if (cell !== null) {
            result.cells.push(cell.result);
            warmLoads.push(...cell.loads);
          }
        }
      }
    } catch (error) {
      if (context.stop.reason === null) result.error = error instanceof Error ? error.message : String(error);
    }
    result.warm_load_ms = spreadOf(warmLoads);
  }

  return {
    version: BENCH_RESULT_VERSION,
    run_id: settings.runId,
    project: runProject(settings),
    url: settings.url,
    gateway: context.gateway,
    started_at: new Date(startedAt).toISOString(),
    finished_at: new Date(context.now()).toISOString(),
    stopped: context.stop.reason,
    cache_defeat: settings.cacheDefeat,
    output_tokens: settings.outputTokens,
    num_ctx: settings.numCtx,
    runs: settings.runs,
    models,
  };

  async function coldLoads(model: string, fit: TokenFit): Promise<Array<number | null>> {
    const loads: Array<number | null> = [];
    const chars = charsFor(Math.min(...settings.promptTokens), fit);
    for (let i = 0; i < settings.runs; i++) {
      if (!mayStart()) break;
      context.onStep(`${model}: cold load ${i + 1}/${settings.runs}`);
      await unloadModel(context.setup, model, settings.unloadTimeoutMs);
      const sample = await measureSample(context.measured, {
        model,
        prompt: prompt(chars),
        outputTokens: settings.outputTokens,
        numCtx: settings.numCtx,
      });
      loads.push(sample.loadMs);
    }
    return loads;
  }

  // One discarded request at this length; Ollama's count of its prompt corrects the fit.
  async function warmUp(model: string, promptTokens: number, fit: TokenFit): Promise<TokenFit> {
    const chars = charsFor(promptTokens, fit);
    const sample = await measureSample(context.setup, {
      model,
      prompt: prompt(chars),
      outputTokens: settings.outputTokens,
      numCtx: settings.numCtx,
    });
    const counted = sample.promptEvalCount;
    if (counted === null || Math.abs(counted - promptTokens) / promptTokens <= REFIT_TOLERANCE) return fit;
    return refineFit(fit, chars, counted);
  }

  async function measureCell(
    model: string,
    promptTokens: number,
    concurrency: number,
    chars: number,
  ): Promise<{ result: CellResult; loads: Array<number | null> } | null> {
    const rounds: Sample[][] = [];
    let failed = 0;
    let firstError: unknown = null;
    for (let run = 1; run <= settings.runs; run++) {
      if (!mayStart()) break;
      context.onStep(`${model}: ${promptTokens} tokens × ${concurrency}, run ${run}/${settings.runs}`);
      const outcomes = await Promise.allSettled(
        Array.from({ length: concurrency }, () =>
          measureSample(context.measured, {
            model,
            prompt: prompt(chars),
            outputTokens: settings.outputTokens,
            numCtx: settings.numCtx,
          }),
        ),
      );
      // A round the stop cut short measures the stop, not the model.
      if (context.stop.reason === 'interrupted') break;
      const round: Sample[] = [];
      for (const outcome of outcomes) {
        if (outcome.status === 'fulfilled') round.push(outcome.value);
        else {
          failed++;
          firstError ??= outcome.reason;
        }
      }
      if (round.length > 0) rounds.push(round);
    }
    if (rounds.length === 0 && failed > 0) throw firstError;
    if (rounds.length === 0) return null;
    const loads = rounds.flat().map((s) => s.loadMs);
    return { result: cellResult(promptTokens, concurrency, rounds, failed), loads };
  }
}
