export * from './authenticate.ts';
export * from './format.ts';
export * from './keys.ts';
export * from './usage.ts';
