// Settings of `./postern up` (the launcher), on top of the apps' own settings.
import { z } from 'zod';
import { ConfigError } from './errors.ts';

/** Settings of `./postern up` (the launcher), on top of the apps' own settings (see loadConfig). */
export function loadLauncherConfig(
  env: Record<string, string | undefined> = process.env,
  root = process.cwd(),
) {
  const port = z.coerce.number().int().min(1).max(65535);
  const parsed = z
    .object({
      POSTERN_DATA_DIR: z.string().min(1).optional(),
      EMBEDDED_POSTGRES_PORT: port.default(54329),
    })
    .safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(String(issue?.path[0] ?? 'environment'), issue?.message ?? 'is invalid');
  }
  return {
    dataDir: parsed.data.POSTERN_DATA_DIR ?? `${root}/.data`,
    embeddedPostgresPort: parsed.data.EMBEDDED_POSTGRES_PORT,
    /** Passed on to the API and worker processes unchanged. */
    inheritedEnv: { ...env },
  };
}
