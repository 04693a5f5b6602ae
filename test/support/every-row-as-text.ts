import { sql, type Kysely } from 'kysely';
import type { Schema } from '../../store/schema.js';

/** Every row of every table of the public schema as lower-cased text: what "no row names the person" is checked against. */
export async function everyRowAsText(db: Kysely<Schema>): Promise<Array<{ table: string; row: string }>> {
  const { rows: tables } = await sql<{ name: string }>`
    select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`.execute(db);
  const rows: Array<{ table: string; row: string }> = [];
  for (const { name } of tables) {
    const { rows: texts } = await sql<{ row: string }>`select lower(t::text) as row from ${sql.table(name)} as t`.execute(db);
    rows.push(...texts.map(({ row }) => ({ table: name, row })));
  }
  return rows;
}
