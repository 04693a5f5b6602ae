/** True for PostgreSQL's unique_violation (SQLSTATE 23505), from node-postgres and PGlite alike. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}
