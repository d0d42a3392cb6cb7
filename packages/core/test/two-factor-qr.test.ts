// The enrolment QR code: a real PNG (signature, IHDR, one IDAT, IEND, each chunk's CRC right) whose
// pixels are uqr's module matrix scaled up, with the three finder patterns where scanners look.
import { crc32, inflateSync } from 'node:zlib';
import { encode } from 'uqr';
import { describe, expect, it } from 'vitest';
import { qrCodeDataUrl } from '../src/auth/qr-code.ts';

const URI =
  'otpauth://totp/Postern:someone%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Postern';

function chunks(png: Buffer) {
  const found: { type: string; data: Buffer }[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    const type = png.subarray(at + 4, at + 8).toString('ascii');
    const data = png.subarray(at + 8, at + 8 + length);
    expect(png.readUInt32BE(at + 8 + length)).toBe(crc32(png.subarray(at + 4, at + 8 + length)));
    found.push({ type, data });
    at += 12 + length;
  }
  return found;
}

describe('qrCodeDataUrl', () => {
  it('is a grayscale PNG of the QR matrix, about 240 px wide, finder patterns in three corners', () => {
    const url = qrCodeDataUrl(URI);
    expect(url).toMatch(/^data:image\/png;base64,/);
    const png = Buffer.from(url.slice(url.indexOf(',') + 1), 'base64');
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const [ihdr, idat, iend, ...more] = chunks(png);
    expect([ihdr?.type, idat?.type, iend?.type, more.length]).toEqual(['IHDR', 'IDAT', 'IEND', 0]);
    const side = ihdr?.data.readUInt32BE(0) ?? 0;
    expect(ihdr?.data.readUInt32BE(4)).toBe(side);
    expect([ihdr?.data[8], ihdr?.data[9]]).toEqual([8, 0]);

    const modules = encode(URI, { ecc: 'M', border: 1 }).data;
    const scale = side / modules.length;
    expect(Number.isInteger(scale)).toBe(true);
    expect(side).toBeGreaterThan(200);
    expect(side).toBeLessThanOrEqual(240);
    const rows = inflateSync(idat?.data ?? Buffer.alloc(0));
    expect(rows.length).toBe(side * (side + 1));
    const dark = (x: number, y: number) => rows[y * (side + 1) + 1 + x] === 0;
    for (let y = 0; y < side; y++) {
      expect(rows[y * (side + 1)]).toBe(0);
      for (let x = 0; x < side; x++)
        if (dark(x, y) !== modules[Math.floor(y / scale)]?.[Math.floor(x / scale)])
          throw new Error(`pixel ${x},${y} is not its module`);
    }
    // A finder pattern (7×7: dark ring, light ring, dark 3×3) inside the one-module border.
    const finder = (mx: number, my: number) =>
      Array.from({ length: 7 }, (_, dy) =>
        Array.from({ length: 7 }, (_, dx) => (modules[my + dy]?.[mx + dx] ? 1 : 0)).join(''),
      );
    const expected = ['1111111', '1000001', '1011101', '1011101', '1011101', '1000001', '1111111'];
    const far = modules.length - 1 - 7;
    expect([finder(1, 1), finder(far, 1), finder(1, far)]).toEqual([expected, expected, expected]);
  });
});
