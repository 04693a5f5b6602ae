import type { ColumnType } from 'kysely';

/** A timestamp column: read as Date, written as Date or ISO 8601 text. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A creation time the database sets: never updated. */
export type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
/** An update time the database defaults and the code sets on each change. */
export type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
/** A jsonb column: read as T, written as JSON text. */
export type Json<T> = ColumnType<T, string, string>;
