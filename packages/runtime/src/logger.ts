// Structured JSON logs (pino). Secrets are redacted by path, so a careless log line cannot leak them.
import { type Logger, pino } from 'pino';

export type { Logger };

export const REDACTED_PATHS = [
  'password',
  '*.password',
  'newPassword',
  '*.newPassword',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'apiKey',
  '*.apiKey',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

/**
 * Query parameters whose values never reach a log line (and API keys wherever they appear in a URL).
 * `input` is tRPC's: a GET call carries its whole input there as URL-encoded JSON, and a token can be
 * anywhere inside it (`{"token":…}`), so the whole parameter goes.
 */
const SECRET_QUERY =
  /([?&](?:api_?key|key|token|access_token|refresh_token|password|secret|code|input)=)[^&#]*/gi;
const API_KEY_TEXT = /pst_live_[0-9A-Za-z]+/g;

export function redactLoggedUrl(url: string): string {
  return url.replace(SECRET_QUERY, '$1[redacted]').replace(API_KEY_TEXT, 'pst_live_[redacted]');
}

interface LoggedRequest {
  method?: string;
  url?: string;
  headers?: Record<string, unknown>;
  host?: string;
  socket?: { remoteAddress?: string; remotePort?: number };
}

export function createLogger(options: {
  level: string;
  name: string;
  destination?: pino.DestinationStream;
}): Logger {
  return pino(
    {
      name: options.name,
      level: options.level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: {
        // Fastify's request log: method, URL (secrets in it redacted), host, peer.
        req: (req: LoggedRequest) => ({
          method: req.method,
          url: req.url ? redactLoggedUrl(req.url) : undefined,
          host: req.host ?? req.headers?.host,
          remoteAddress: req.socket?.remoteAddress,
          remotePort: req.socket?.remotePort,
        }),
      },
    },
    options.destination,
  );
}
