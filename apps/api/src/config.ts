/**
 * The gateway's configuration (DESIGN.md, "Configuration"): environment variables, with
 * CLI flags of the same names taking precedence. Invalid values are refused with a
 * message naming the setting.
 */
import { z } from 'zod';

/** Resolved configuration of a Node gateway. */
export interface GatewayConfig {
  port: number;
  host: string;
  ollamaUrl: string;
  databaseUrl: string | undefined;
  apiToken: string | undefined;
  coldStartMs: number;
  projectHeader: string;
  spoolPath: string | undefined;
  firstByteTimeoutMs: number;
  idleTimeoutMs: number;
  corsOrigins: string[];
  residencyIntervalMs: number;
  rollupIntervalMs: number;
}

/** Each setting: env name, CLI flag, default, and what it is. */
export const SETTINGS = [
  { env: 'PORT', flag: 'port', fallback: '11435', help: 'port to listen on' },
  { env: 'HOST', flag: 'host', fallback: '127.0.0.1', help: 'address to listen on' },
  { env: 'OLLAMA_URL', flag: 'ollama-url', fallback: 'http://127.0.0.1:11434', help: 'the Ollama to proxy to' },
  {
    env: 'DATABASE_URL',
    flag: 'database-url',
    fallback: undefined,
    help: 'sqlite:PATH, file:PATH, :memory: or postgres://… (default ./data/ollama-perf.sqlite)',
  },
  {
    env: 'API_TOKEN',
    flag: 'api-token',
    fallback: undefined,
    help: 'bearer token required on /stats, /ingest, /healthz',
  },
  { env: 'COLD_START_MS', flag: 'cold-start-ms', fallback: '500', help: 'a load at least this long is a cold start' },
  {
    env: 'PROJECT_HEADER',
    flag: 'project-header',
    fallback: 'X-Project-Name',
    help: 'request header naming the project',
  },
  {
    env: 'SPOOL_PATH',
    flag: 'spool-path',
    fallback: undefined,
    help: 'file holding records while the database is down (default: next to the SQLite file, or ./data/ollama-perf.spool.jsonl)',
  },
  {
    env: 'UPSTREAM_FIRST_BYTE_TIMEOUT_MS',
    flag: 'first-byte-timeout-ms',
    fallback: '600000',
    help: 'longest wait for Ollama to start answering (cold loads are slow)',
  },
  {
    env: 'UPSTREAM_IDLE_TIMEOUT_MS',
    flag: 'idle-timeout-ms',
    fallback: '300000',
    help: 'longest silence between two chunks of a streamed answer',
  },
  {
    env: 'RESIDENCY_INTERVAL_MS',
    flag: 'residency-interval-ms',
    fallback: '10000',
    help: 'how often to sample /api/ps for what is loaded (0: never)',
  },
  {
    env: 'ROLLUP_INTERVAL_MS',
    flag: 'rollup-interval-ms',
    fallback: '60000',
    help: 'how often to fold finished hours and days into rollups (0: never; /stats then reads every record)',
  },
  {
    env: 'CORS_ORIGINS',
    flag: 'cors-origins',
    fallback: undefined,
    help: 'comma-separated origins allowed to call the reserved routes from a browser (default: none)',
  },
] as const;

const configSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535),
  host: z.string().min(1),
  ollamaUrl: z.url({ protocol: /^https?$/ }),
  databaseUrl: z.string().min(1).optional(),
  apiToken: z.string().min(1).optional(),
  coldStartMs: z.coerce.number().finite().nonnegative(),
  projectHeader: z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP header name'),
  spoolPath: z.string().min(1).optional(),
  firstByteTimeoutMs: z.coerce.number().int().positive(),
  idleTimeoutMs: z.coerce.number().int().positive(),
  residencyIntervalMs: z.coerce.number().int().nonnegative(),
  rollupIntervalMs: z.coerce.number().int().nonnegative(),
  corsOrigins: z
    .string()
    .optional()
    .transform((text) =>
      (text ?? '')
        .split(',')
        .map((o) => o.trim())
        .filter((o) => o !== ''),
    ),
});

const KEYS: Record<(typeof SETTINGS)[number]['flag'], keyof GatewayConfig> = {
  port: 'port',
  host: 'host',
  'ollama-url': 'ollamaUrl',
  'database-url': 'databaseUrl',
  'api-token': 'apiToken',
  'cold-start-ms': 'coldStartMs',
  'project-header': 'projectHeader',
  'spool-path': 'spoolPath',
  'first-byte-timeout-ms': 'firstByteTimeoutMs',
  'idle-timeout-ms': 'idleTimeoutMs',
  'cors-origins': 'corsOrigins',
  'residency-interval-ms': 'residencyIntervalMs',
  'rollup-interval-ms': 'rollupIntervalMs',
};

/**
 * Resolves the configuration from flags (by flag name) over environment variables over
 * defaults. Throws an Error whose message names the bad setting.
 */
export function resolveConfig(
  env: Record<string, string | undefined>,
  flags: Record<string, string | undefined> = {},
): GatewayConfig {
  const raw: Record<string, string | undefined> = {};
  for (const setting of SETTINGS) {
    const value = flags[setting.flag] ?? env[setting.env];
    raw[KEYS[setting.flag]] = value === undefined || value === '' ? setting.fallback : value;
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const key = String(issue?.path[0] ?? '');
    const setting = SETTINGS.find((s) => KEYS[s.flag] === key);
    throw new Error(`${setting?.env ?? key} ${JSON.stringify(raw[key])} is invalid: ${issue?.message ?? 'rejected'}`);
  }
  const config = result.data;
  return {
    ...config,
    ollamaUrl: config.ollamaUrl.replace(/\/$/, ''),
    databaseUrl: config.databaseUrl,
    apiToken: config.apiToken,
    spoolPath: config.spoolPath,
  };
}
