/**
 * A write transaction as a script: a generator that yields each statement and is handed its
 * result, so that it can read, compute and write inside one transaction. The same script
 * runs synchronously on better-sqlite3 (where an async transaction would let other queries
 * in between its statements) and asynchronously in a Kysely transaction (PostgreSQL).
 * D1 has no interactive transactions, so its store runs none.
 */
import type { CompiledQuery, Kysely } from 'kysely';

/** What running one statement gave: the rows it returned (a SELECT or RETURNING) and the rows it changed. */
export interface StatementResult {
  rows: Array<Record<string, unknown>>;
  changes: number;
}

/** A transaction script: yields statements, is given each one's result, returns its outcome. */
export type TransactionScript<T> = Generator<CompiledQuery, T, StatementResult>;

/** Runs a script as one write transaction: all of its statements land, or none. */
export type ScriptRunner = <T>(script: TransactionScript<T>) => Promise<T>;

/**
 * Drives `script` to its end, running each statement it yields with `run`.
 *
 * @example
 * const outcome = driveScript(script, (query) => execute(query)); // synchronous runner
 */
export function driveScript<T>(script: TransactionScript<T>, run: (query: CompiledQuery) => StatementResult): T {
  let step = script.next();
  while (step.done !== true) step = script.next(run(step.value));
  return step.value;
}

/** The script that runs `queries` in order and returns the rows each changed: a plain atomic batch. */
export function* statementsChanging(queries: readonly CompiledQuery[]): TransactionScript<number[]> {
  const changed: number[] = [];
  for (const query of queries) changed.push((yield query).changes);
  return changed;
}

/** A {@link ScriptRunner} over a Kysely transaction (PostgreSQL, or any database Kysely drives). */
export function kyselyScriptRunner(db: Kysely<unknown>): ScriptRunner {
  return (script) =>
    db.transaction().execute(async (trx) => {
      let step = script.next();
      while (step.done !== true) {
        const result = await trx.executeQuery(step.value);
        step = script.next({
          rows: result.rows as Array<Record<string, unknown>>,
          changes: Number(result.numAffectedRows ?? 0),
        });
      }
      return step.value;
    });
}
