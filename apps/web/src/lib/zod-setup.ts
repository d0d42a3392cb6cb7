// Imported first by main.tsx, before anything evaluates a schema of @postern/contracts: zod's JIT
// probes `new Function` when an object schema is created, which the dashboard's CSP (no
// 'unsafe-eval') reports as a violation even though zod catches the error. Jitless parsing is
// plenty fast for forms.
import { config } from 'zod/v4/core';

config({ jitless: true });
