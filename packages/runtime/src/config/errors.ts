// How a bad setting is reported: one line naming it, with any password hidden.

/** A configuration problem, reported to the operator as one line naming the setting. */
export class ConfigError extends Error {
  readonly setting: string;
  constructor(setting: string, message: string) {
    super(`${setting}: ${message}`);
    this.name = 'ConfigError';
    this.setting = setting;
  }
}

/** Hides the password of a connection URL before it is shown or logged. */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return value;
  }
}
