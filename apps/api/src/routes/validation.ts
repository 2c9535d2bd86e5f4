/** Turns a failed zod validation into the API's 400 `{ error: { code, message, issues } }`. */
import type { Context } from 'hono';
import { errorResponse } from '../http/errors.js';

interface Issue {
  path: PropertyKey[];
  message: string;
  code: string;
}

/** A @hono/zod-validator hook that answers 400 with the zod issues. */
export function validationHook(what: string) {
  return (result: { success: boolean; error?: { issues: ReadonlyArray<Issue> } }, c: Context): Response | undefined => {
    if (result.success || result.error === undefined) return undefined;
    const issues = result.error.issues.map((issue) => ({
      path: issue.path.map(String),
      message: issue.message,
      code: issue.code,
    }));
    const first = issues[0];
    const where = first === undefined || first.path.length === 0 ? '' : ` (${first.path.join('.')})`;
    return errorResponse(c, 400, 'bad_request', `invalid ${what}: ${first?.message ?? 'rejected'}${where}`, issues);
  };
}

/**
 * The @hono/zod-validator option that validates synchronously: zod compiles an object
 * schema into one fast function only for synchronous parses (`safeParseAsync`, the
 * validator's default, walked each field and took twice as long per ingested record).
 */
export const SYNCHRONOUS = {
  validationFunction: <T extends { safeParse(value: unknown): ReturnType<T['safeParse']> }>(
    schema: T,
    value: unknown,
  ) => schema.safeParse(value),
};
