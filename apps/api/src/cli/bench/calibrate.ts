/**
 * How many characters make a token for one model, as Ollama counts them: two probe prompts
 * (short and long, one token generated each, unique prefixes so the prompt cache cannot
 * shorten them) give the line {@link fitTokens} draws. The probes also load the model.
 */
import type { Ollama } from 'ollama';
import { buildPrompt, fitTokens, PROBE_CHARS, promptPrefix, type TokenFit, type TokenProbe } from './prompt.js';

/**
 * Probes `model` and returns its token fit.
 *
 * @example
 * const fit = await calibrateModel(setupClient, 'llama3.2', '20261130-101500', 9216);
 */
export async function calibrateModel(client: Ollama, model: string, runId: string, numCtx: number): Promise<TokenFit> {
  const probes: TokenProbe[] = [];
  for (const [i, chars] of PROBE_CHARS.entries()) {
    const prompt = buildPrompt(promptPrefix(`${runId}-probe`, i, true), chars);
    const answer = await client.generate({
      model,
      prompt,
      stream: false,
      options: { num_predict: 1, num_ctx: numCtx },
    });
    probes.push({ chars: prompt.length, tokens: answer.prompt_eval_count ?? 0 });
  }
  return fitTokens(probes[0] as TokenProbe, probes[1] as TokenProbe);
}
