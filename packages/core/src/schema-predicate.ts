/**
 * A fast yes/no check compiled from a zod schema: accepts exactly what the schema's
 * `safeParse` accepts, for the plain constructs records are made of (strict objects,
 * strings with length and pattern checks, finite numbers with integer and range checks,
 * booleans, enums, nullable). Hot paths (thousands of ingested records per request) check
 * with it and call zod only to explain a refusal; the schema stays the one definition.
 * A construct it does not know makes the compile throw, never a check pass.
 */
import type { z } from 'zod';

/** A compiled check: whether `value` passes the schema. */
export type SchemaPredicate = (value: unknown) => boolean;

// The parts of zod's internal definitions read here (zod 4).
interface CheckDef {
  check: string;
  format?: string;
  pattern?: RegExp;
  minimum?: number;
  maximum?: number;
  value?: number;
  inclusive?: boolean;
}
interface SchemaDef {
  type: string;
  format?: string;
  coerce?: boolean;
  checks?: Array<{ _zod: { def: CheckDef } }>;
  innerType?: Internal;
  entries?: Record<string, string | number>;
  shape?: Record<string, Internal>;
  catchall?: Internal;
}
interface Internal {
  _zod: { def: SchemaDef };
}

function unsupported(what: string): TypeError {
  return new TypeError(`schemaPredicate: unsupported zod construct: ${what}`);
}

type Kind = 'string' | 'number' | 'boolean' | 'enum';
const KINDS: ReadonlySet<string> = new Set<Kind>(['string', 'number', 'boolean', 'enum']);

/**
 * What one value must be, as data: every field is checked by the one function below
 * ({@link passes}). A closure per check was simpler, but 25 fields of indirect calls cost
 * more than a switch over rules that all have the same shape.
 */
interface Rule {
  kind: Kind;
  nullable: boolean;
  minLength: number;
  maxLength: number;
  patterns: RegExp[];
  integer: boolean;
  min: number;
  minInclusive: boolean;
  max: number;
  maxInclusive: boolean;
  values: ReadonlySet<unknown>;
}

function addCheck(rule: Rule, check: CheckDef): void {
  switch (check.check) {
    case 'min_length':
      if (rule.kind !== 'string') throw unsupported(`min_length on ${rule.kind}`);
      rule.minLength = Math.max(rule.minLength, check.minimum as number);
      return;
    case 'max_length':
      if (rule.kind !== 'string') throw unsupported(`max_length on ${rule.kind}`);
      rule.maxLength = Math.min(rule.maxLength, check.maximum as number);
      return;
    case 'greater_than':
      if (rule.kind !== 'number' || rule.min !== Number.NEGATIVE_INFINITY) throw unsupported('greater_than here');
      rule.min = check.value as number;
      rule.minInclusive = check.inclusive === true;
      return;
    case 'less_than':
      if (rule.kind !== 'number' || rule.max !== Number.POSITIVE_INFINITY) throw unsupported('less_than here');
      rule.max = check.value as number;
      rule.maxInclusive = check.inclusive === true;
      return;
    case 'number_format':
      if (check.format !== 'safeint' || rule.kind !== 'number') throw unsupported(`number format ${check.format}`);
      rule.integer = true;
      return;
    case 'string_format':
      if (check.format !== 'regex' || check.pattern === undefined || rule.kind !== 'string')
        throw unsupported(`string format ${check.format}`);
      // Without g/y a RegExp keeps no state between tests.
      rule.patterns.push(new RegExp(check.pattern.source, check.pattern.flags.replace(/[gy]/g, '')));
      return;
    default:
      throw unsupported(`check ${check.check}`);
  }
}

function ruleOf(schema: Internal): Rule {
  const def = schema._zod.def;
  // z.email(), z.int(), z.coerce.number()…: the type itself checks or converts.
  if (def.format !== undefined) throw unsupported(`${def.type} format ${def.format}`);
  if (def.coerce === true) throw unsupported(`coerced ${def.type}`);
  if (def.type === 'nullable') {
    if ((def.checks ?? []).length > 0) throw unsupported('nullable checks');
    return { ...ruleOf(def.innerType as Internal), nullable: true };
  }
  if (!KINDS.has(def.type)) throw unsupported(def.type);
  const rule: Rule = {
    kind: def.type as Kind,
    nullable: false,
    minLength: 0,
    maxLength: Number.POSITIVE_INFINITY,
    patterns: [],
    integer: false,
    min: Number.NEGATIVE_INFINITY,
    minInclusive: true,
    max: Number.POSITIVE_INFINITY,
    maxInclusive: true,
    values: new Set<unknown>(Object.values(def.entries ?? {})),
  };
  for (const { _zod } of def.checks ?? []) addCheck(rule, _zod.def);
  return rule;
}

function passes(rule: Rule, v: unknown): boolean {
  if (v === null) return rule.nullable;
  switch (rule.kind) {
    case 'string': {
      if (typeof v !== 'string' || v.length < rule.minLength || v.length > rule.maxLength) return false;
      for (const pattern of rule.patterns) if (!pattern.test(v)) return false;
      return true;
    }
    case 'number':
      // zod's number refuses NaN and ±Infinity.
      if (typeof v !== 'number' || !Number.isFinite(v) || (rule.integer && !Number.isSafeInteger(v))) return false;
      return (rule.minInclusive ? v >= rule.min : v > rule.min) && (rule.maxInclusive ? v <= rule.max : v < rule.max);
    case 'boolean':
      return typeof v === 'boolean';
    case 'enum':
      return rule.values.has(v);
  }
}

function compileStrictObject(def: SchemaDef): SchemaPredicate {
  if (def.catchall?._zod.def.type !== 'never') throw unsupported('object that is not strict');
  if ((def.checks ?? []).length > 0) throw unsupported('object checks');
  const keys = Object.keys(def.shape ?? {});
  const rules = keys.map((key) => {
    // Read as object[key] below: a key an object inherits could pass for one it lacks.
    if (key in Object.prototype) throw unsupported(`field named ${key}`);
    return ruleOf((def.shape as Record<string, Internal>)[key] as Internal);
  });
  const size = keys.length;
  const fieldNames = new Set(keys);
  return (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
    const object = v as Record<string, unknown>;
    // A missing field reads as undefined, which no rule accepts.
    for (let i = 0; i < size; i++) if (!passes(rules[i] as Rule, object[keys[i] as string])) return false;
    // Like zod, every enumerable key, inherited ones included, must be a field.
    for (const key in object) if (!fieldNames.has(key)) return false;
    return true;
  };
}

/**
 * Compiles `schema` into a predicate that accepts exactly the values its `safeParse`
 * accepts. Throws for constructs it does not know (optional fields, transforms,
 * refinements, other formats…), so a schema change cannot silently weaken a check.
 *
 * @example
 * const isRecord = schemaPredicate(requestMetricSchema);
 * const records = body.every(isRecord) ? body : requestMetricSchema.array().parse(body);
 */
export function schemaPredicate(schema: z.ZodType): SchemaPredicate {
  const internal = schema as unknown as Internal;
  if (internal._zod.def.type === 'object') return compileStrictObject(internal._zod.def);
  const rule = ruleOf(internal);
  return (v) => passes(rule, v);
}
