// The published build: ES modules and CommonJS, each with one bundled declaration file per entry.
// @postern/contracts (a dev dependency: private, never installed by users) is bundled into both the
// JavaScript and the declarations; eventsource-parser, the one dependency, stays an import.
import { defineConfig, type UserConfig } from 'tsdown';

const common: UserConfig = {
  platform: 'neutral',
  target: 'es2022',
  sourcemap: false,
  outDir: 'dist',
  deps: { neverBundle: [/^node:/], alwaysBundle: [/^@postern\/contracts/] },
  // package.json is written by hand (its "exports" point at dist/). One clean of dist/ runs before
  // both builds.
  exports: false,
  publint: false,
  attw: false,
  // A slow plugin is no problem worth a warning on a busy CI machine.
  inputOptions: { checks: { bundlerTimings: false } },
};

export default defineConfig([
  {
    ...common,
    entry: { index: 'src/index.ts', webhooks: 'src/webhooks.ts' },
    format: ['esm', 'cjs'],
    dts: { tsconfig: 'tsconfig.build.json' },
    clean: true,
  },
  // The `postern` command: Node.js only, ES module, no declarations.
  {
    ...common,
    entry: { 'cli/main': 'src/cli/main.ts' },
    format: 'esm',
    platform: 'node',
    dts: false,
    clean: false,
  },
]);
