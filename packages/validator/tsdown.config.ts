// The published build of the engine: ES modules and CommonJS, each with one bundled declaration
// file. Its dependencies (the domain lists, tr46, punycode, the typo checker) stay imports; inside
// the monorepo the package is used from its sources (package.json "exports"), and `pnpm pack`
// switches to dist/ (publishConfig).
import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  platform: 'node',
  target: 'es2022',
  dts: { tsconfig: 'tsconfig.build.json' },
  sourcemap: false,
  clean: true,
  outDir: 'dist',
  exports: false,
  publint: false,
  attw: false,
  // A slow plugin is no problem worth a warning on a busy CI machine.
  inputOptions: { checks: { bundlerTimings: false } },
});
