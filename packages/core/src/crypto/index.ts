export * from './hash.ts';
export * from './keyring.ts';
export * from './rotation.ts';
export * from './types.ts';
