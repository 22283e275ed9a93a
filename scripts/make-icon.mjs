// Draws the extension icon (a shield with a keyhole) and writes it as a 128x128 RGBA PNG.
// No image dependencies: the shape is an implicit function, 4x4 supersampled, and the PNG is
// encoded by hand (signature, IHDR, one zlib IDAT, IEND). Run: node scripts/make-icon.mjs
import { deflateSync } from 'node:zlib';
import { writeFileSync, mkdirSync } from 'node:fs';

const SIZE = 128;
const SS = 4;

/** Half-width of the shield at height y (0 top .. 1 bottom tip), in units of the icon width. */
function shieldHalfWidth(y) {
  if (y < 0 || y > 1) return -1;
  if (y < 0.5) return 0.40 - 0.04 * Math.cos(Math.PI * y * 2) * (y < 0.12 ? 1 : 0.2);
  const t = (y - 0.5) / 0.5; // 0..1 towards the tip
  return 0.40 * Math.sqrt(Math.max(0, 1 - t * t)) * (1 - 0.15 * t);
}

function insideShield(x, y, inset) {
  const top = 0.06 + inset, bottom = 0.96 - inset * 1.6;
  const v = (y - top) / (bottom - top);
  const hw = shieldHalfWidth(v) - inset;
  return hw > 0 && Math.abs(x - 0.5) <= hw;
}

function insideKeyhole(x, y) {
  const dx = x - 0.5, dy = y - 0.42;
  if (dx * dx + dy * dy <= 0.095 * 0.095) return true;
  if (y >= 0.42 && y <= 0.70) {
    const hw = 0.035 + (y - 0.42) * 0.12;
    return Math.abs(dx) <= hw;
  }
  return false;
}

const OUTER = [0x1d, 0x35, 0x57];
const INNER = [0x2f, 0x6f, 0xb0];
const HOLE = [0xff, 0xff, 0xff];

function sample(x, y) {
  if (!insideShield(x, y, 0)) return null;
  if (!insideShield(x, y, 0.045)) return OUTER;
  return insideKeyhole(x, y) ? HOLE : INNER;
}

const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let py = 0; py < SIZE; py++) {
  const row = py * (SIZE * 4 + 1);
  raw[row] = 0; // filter: none
  for (let px = 0; px < SIZE; px++) {
    let r = 0, g = 0, b = 0, a = 0;
    for (let sy = 0; sy < SS; sy++) {
      for (let sx = 0; sx < SS; sx++) {
        const c = sample((px + (sx + 0.5) / SS) / SIZE, (py + (sy + 0.5) / SS) / SIZE);
        if (c) { r += c[0]; g += c[1]; b += c[2]; a++; }
      }
    }
    const o = row + 1 + px * 4;
    if (a) { raw[o] = r / a; raw[o + 1] = g / a; raw[o + 2] = b / a; }
    raw[o + 3] = Math.round((255 * a) / (SS * SS));
  }
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(SIZE, 0); ihdr.writeUInt32BE(SIZE, 4);
ihdr[8] = 8; ihdr[9] = 6; // 8-bit RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
mkdirSync('images', { recursive: true });
writeFileSync('images/icon.png', png);
console.log(`images/icon.png: ${png.length} bytes`);
