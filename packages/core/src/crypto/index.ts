export * from './hash.ts';
export * from './keyring.ts';
export * from './rotation.ts';
export * from './subject-keys.ts';
export * from './types.ts';
