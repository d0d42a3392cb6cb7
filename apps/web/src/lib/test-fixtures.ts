// What the dashboard's unit tests build alike: a refusal as the tRPC client presents it, and instants
// relative to a fixed "now" (the tests inject the clock rather than read it).

/** A refused request: `data` as the API's error formatter sends it. */
export function refusal(code: string, message: string, details?: Record<string, unknown>) {
  return { name: 'TRPCClientError', message, data: { code, httpStatus: 422, details } };
}

/** ISO instants `seconds` before or after `now`. */
export function clockAt(now: number) {
  const at = (seconds: number) => new Date(now + seconds * 1000).toISOString();
  return { ago: (seconds: number) => at(-seconds), later: at };
}
