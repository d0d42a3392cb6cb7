// The QR code of the two-factor enrolment as a PNG data URL, drawn from uqr's module matrix (uqr has
// no dependencies) and written with node:zlib: the dashboard shows it as an <img> as it did before.
import { crc32, deflateSync } from 'node:zlib';
import { encode } from 'uqr';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A grayscale PNG of the matrix, `scale` pixels per module (black on white). */
function png(modules: boolean[][], scale: number): Buffer {
  const side = modules.length * scale;
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // colour type: grayscale
  // compression, filter and interlace methods: 0
  const rows = Buffer.alloc(side * (side + 1), 0xff);
  for (let y = 0; y < side; y++) {
    const row = y * (side + 1);
    rows[row] = 0; // filter: none
    const line = modules[Math.floor(y / scale)] ?? [];
    for (let x = 0; x < side; x++) if (line[Math.floor(x / scale)]) rows[row + 1 + x] = 0;
  }
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** `text` as a QR code (error correction M, a one-module border) about `width` pixels wide. */
export function qrCodeDataUrl(text: string, width = 240): string {
  const { data } = encode(text, { ecc: 'M', border: 1 });
  const scale = Math.max(1, Math.floor(width / data.length));
  return `data:image/png;base64,${png(data, scale).toString('base64')}`;
}
