export * from './deliveries.ts';
export * from './dispatch.ts';
export * from './endpoints.ts';
export * from './engine.ts';
export * from './http.ts';
export * from './settings.ts';
export * from './signing.ts';
export * from './targets.ts';
