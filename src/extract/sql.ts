/** Quoting for the few SQL literals we cannot bind as parameters (file paths in table functions). */
export const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;
