import type BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import type { SqliteDatabase } from './database';

export type Statement = BetterSqlite3.Statement<unknown[]>;

/** Prepares each SQL text once per connection: preparing is far dearer than running. */
export function statementCache(db: SqliteDatabase): (sql: string) => Statement {
  const cache = new Map<string, Statement>();
  return (sql) => {
    let statement = cache.get(sql);
    if (!statement) {
      statement = db.prepare(sql) as Statement;
      cache.set(sql, statement);
    }
    return statement;
  };
}
