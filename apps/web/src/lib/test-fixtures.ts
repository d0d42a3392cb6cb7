// What the dashboard's unit tests build alike: a refusal as the tRPC client presents it, and instants
// relative to a fixed "now" (the tests inject the clock rather than read it).

/** A refused request: `data` as the API's error formatter sends it. */
export function refusal(code: string, message: string, details?: Record<string, unknown>) {
  return { name: 'TRPCClientError', message, data: { code, httpStatus: 422, details } };
}

/** A request the API's schema refused: VALIDATION_FAILED with the issue at `path`. */
export function schemaRefusal(path: string, message: string) {
  return {
    name: 'TRPCClientError',
    message: 'The input is not valid',
    data: { code: 'VALIDATION_FAILED', issues: [{ path, message }] },
  };
}

/** ISO instants `seconds` before or after `now`. */
export function clockAt(now: number) {
  const at = (seconds: number) => new Date(now + seconds * 1000).toISOString();
  return { ago: (seconds: number) => at(-seconds), later: at };
}
