/**
 * The gateway's configuration (DESIGN.md, "Configuration"): environment variables, with
 * CLI flags of the same names taking precedence. Each setting is declared once, in
 * {@link SETTINGS}; the config type, the parsing and the `serve --help` text come from it.
 * Invalid values are refused with a message naming the environment variable.
 */
import { DEFAULT_PROJECT_HEADER } from '@ollama-perf/middleware';
import { z } from 'zod';

/** One setting: where it is read from, its default, what it is, and how its text is parsed. */
export interface Setting<Key extends string = string, Parser extends z.ZodType = z.ZodType> {
  /** Property of {@link GatewayConfig}. */
  key: Key;
  /** Environment variable. */
  env: string;
  /** CLI flag, without the leading `--`. */
  flag: string;
  /** Text used when neither the flag nor the variable is set (or set empty). */
  fallback: string | undefined;
  /** One line for `serve --help`. */
  help: string;
  /** Parses the text (or `undefined`) into the config value. */
  parse: Parser;
}

// Keeps each entry's literal key and exact parser type, so GatewayConfig can be derived.
const setting = <const Key extends string, Parser extends z.ZodType>(s: Setting<Key, Parser>) => s;

const count = () => z.coerce.number().int();

/** Every setting of a Node gateway, in the order `serve --help` lists them. */
export const SETTINGS = [
  setting({
    key: 'port',
    env: 'PORT',
    flag: 'port',
    fallback: '11435',
    help: 'port to listen on',
    parse: count().min(0).max(65535),
  }),
  setting({
    key: 'host',
    env: 'HOST',
    flag: 'host',
    fallback: '127.0.0.1',
    help: 'address to listen on',
    parse: z.string().min(1),
  }),
  setting({
    key: 'ollamaUrl',
    env: 'OLLAMA_URL',
    flag: 'ollama-url',
    fallback: 'http://127.0.0.1:11434',
    help: 'the Ollama to proxy to',
    parse: z.url({ protocol: /^https?$/ }).transform((url) => url.replace(/\/$/, '')),
  }),
  setting({
    key: 'databaseUrl',
    env: 'DATABASE_URL',
    flag: 'database-url',
    fallback: undefined,
    help: 'sqlite:PATH, file:PATH, :memory: or postgres://… (default ./data/ollama-perf.sqlite)',
    parse: z.string().min(1).optional(),
  }),
  setting({
    key: 'apiToken',
    env: 'API_TOKEN',
    flag: 'api-token',
    fallback: undefined,
    help: 'bearer token required on /stats, /ingest, /healthz',
    parse: z.string().min(1).optional(),
  }),
  setting({
    key: 'coldStartMs',
    env: 'COLD_START_MS',
    flag: 'cold-start-ms',
    fallback: '500',
    help: 'a load at least this long is a cold start',
    parse: z.coerce.number().finite().nonnegative(),
  }),
  setting({
    key: 'projectHeader',
    env: 'PROJECT_HEADER',
    flag: 'project-header',
    fallback: DEFAULT_PROJECT_HEADER,
    help: 'request header naming the project',
    parse: z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP header name'),
  }),
  setting({
    key: 'spoolPath',
    env: 'SPOOL_PATH',
    flag: 'spool-path',
    fallback: undefined,
    help:
      'file holding records while the database is down ' +
      '(default: next to the SQLite file, or ./data/ollama-perf.spool.jsonl)',
    parse: z.string().min(1).optional(),
  }),
  setting({
    key: 'perfLog',
    env: 'PERF_LOG',
    flag: 'perf-log',
    fallback: undefined,
    help: 'also append every record to this file as a JSON line, as export --format jsonl writes it (default: off)',
    parse: z.string().min(1).optional(),
  }),
  setting({
    key: 'perfLogMaxMb',
    env: 'PERF_LOG_MAX_MB',
    flag: 'perf-log-max-mb',
    fallback: '100',
    help: 'rotate the perf log past this many MB (2^20 bytes; fractions allowed), keeping 3 older files (.1 … .3)',
    parse: z.coerce.number().finite().positive(),
  }),
  setting({
    key: 'firstByteTimeoutMs',
    env: 'UPSTREAM_FIRST_BYTE_TIMEOUT_MS',
    flag: 'first-byte-timeout-ms',
    fallback: '600000',
    help: 'longest wait for Ollama to start answering (cold loads are slow)',
    parse: count().positive(),
  }),
  setting({
    key: 'idleTimeoutMs',
    env: 'UPSTREAM_IDLE_TIMEOUT_MS',
    flag: 'idle-timeout-ms',
    fallback: '300000',
    help: 'longest silence between two chunks of a streamed answer',
    parse: count().positive(),
  }),
  setting({
    key: 'residencyIntervalMs',
    env: 'RESIDENCY_INTERVAL_MS',
    flag: 'residency-interval-ms',
    fallback: '10000',
    help: 'how often to poll /api/ps: what is loaded, and whether Ollama answers (0: never)',
    parse: count().nonnegative(),
  }),
  setting({
    key: 'rollupIntervalMs',
    env: 'ROLLUP_INTERVAL_MS',
    flag: 'rollup-interval-ms',
    fallback: '60000',
    help: 'how often to fold finished hours and days into rollups (0: never; /stats then reads every record)',
    parse: count().nonnegative(),
  }),
  setting({
    key: 'statsExactUpTo',
    env: 'STATS_EXACT_UP_TO',
    flag: 'stats-exact-up-to',
    fallback: '10000',
    help: 'windows of at most this many records are summarized exactly; larger ones from rollups (percentiles within 1%)',
    parse: count().nonnegative(),
  }),
  setting({
    key: 'corsOrigins',
    env: 'CORS_ORIGINS',
    flag: 'cors-origins',
    fallback: undefined,
    help: 'comma-separated origins allowed to call the reserved routes from a browser (default: none)',
    parse: z
      .string()
      .optional()
      .transform((text) =>
        (text ?? '')
          .split(',')
          .map((origin) => origin.trim())
          .filter((origin) => origin !== ''),
      ),
  }),
] as const;

type AnySetting = (typeof SETTINGS)[number];

/** Resolved configuration of a Node gateway: one property per entry of {@link SETTINGS}. */
export type GatewayConfig = { [S in AnySetting as S['key']]: z.output<S['parse']> };

/**
 * Resolves the configuration from flags (by flag name) over environment variables over
 * defaults. Throws an Error whose message names the bad setting's environment variable.
 *
 * @example
 * resolveConfig({ PORT: 'abc' }); // throws: PORT "abc" is invalid: Invalid input: expected number, received NaN
 */
export function resolveConfig(
  env: Record<string, string | undefined>,
  flags: Record<string, string | undefined> = {},
): GatewayConfig {
  const config: Record<string, unknown> = {};
  for (const setting of SETTINGS) {
    const given = flags[setting.flag] ?? env[setting.env];
    const text = given === undefined || given === '' ? setting.fallback : given;
    const result = setting.parse.safeParse(text);
    if (!result.success) {
      throw new Error(
        `${setting.env} ${JSON.stringify(text)} is invalid: ${result.error.issues[0]?.message ?? 'rejected'}`,
      );
    }
    config[setting.key] = result.data;
  }
  // Every key was set above, each from its own setting's parser.
  return config as GatewayConfig;
}
