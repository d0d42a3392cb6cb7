export * from './entities/index.ts';
export * from './orm.ts';
export * from './roles.ts';
export * from './transaction-sql.ts';
