/** Reading a backend's column types back as the logical types of REQUEST_METRIC_COLUMNS. */
import type { LogicalType } from '../../src/storage/schema.ts';

/** A column as a backend reports it, normalized. */
export interface ColumnShape {
  name: string;
  type: LogicalType | `unknown:${string}`;
  nullable: boolean;
}

const TYPES: Record<string, LogicalType> = {
  text: 'text',
  integer: 'integer',
  int8: 'integer',
  bigint: 'integer',
  real: 'real',
  float8: 'real',
  'double precision': 'real',
  boolean: 'boolean',
  bool: 'boolean',
};

/** Maps a backend's type name (SQLite, D1, PostgreSQL) to a logical type. */
export function logicalType(dataType: string): ColumnShape['type'] {
  return TYPES[dataType.toLowerCase()] ?? `unknown:${dataType}`;
}
