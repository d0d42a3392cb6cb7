// Presenting the session list (pure).
import type { Session } from '@postern/contracts';

/** This device first, then the most recently active. */
export function sortSessions(sessions: readonly Session[]): Session[] {
  return [...sessions].sort((a, b) => {
    if (a.current !== b.current) return a.current ? -1 : 1;
    return Date.parse(b.lastActiveAt) - Date.parse(a.lastActiveAt);
  });
}

export type DeviceKind = 'desktop' | 'mobile' | 'tablet' | 'other';

export function deviceKind(deviceType: string): DeviceKind {
  const type = deviceType.toLowerCase();
  if (type.includes('mobile') || type.includes('phone')) return 'mobile';
  if (type.includes('tablet')) return 'tablet';
  if (type.includes('desktop') || type.includes('computer') || type.includes('laptop')) return 'desktop';
  return 'other';
}

function known(value: string): string | undefined {
  const trimmed = value.trim();
  return trimmed && !/^(unknown|other)$/i.test(trimmed) ? trimmed : undefined;
}

/** "Chrome on Linux", "Firefox", "Unknown browser on iOS"… */
export function sessionTitle(session: Pick<Session, 'browser' | 'os'>): string {
  const browser = known(session.browser);
  const os = known(session.os);
  if (browser && os) return `${browser} on ${os}`;
  return browser ?? (os ? `Unknown browser on ${os}` : 'Unknown browser');
}

export function deviceLabel(deviceType: string): string {
  const type = known(deviceType);
  return type ? type.charAt(0).toUpperCase() + type.slice(1) : 'Unknown device';
}
