/**
 * A small, defensive zip reader (and a writer via fflate) for `.namrig` bundles.
 *
 * Reading never trusts the archive:
 *   1. the central directory is parsed first and every member's declared unpacked size is summed:
 *      more than `limit` bytes is refused before anything is inflated;
 *   2. each wanted member is inflated with a bound equal to its declared size (a member that inflates
 *      past what it declares, a lying zip bomb or damaged data, stops there with `corrupt-bundle`);
 *   3. its CRC-32 and length must match the directory.
 * Only stored (0) and deflated (8) members are accepted; encrypted, ZIP64 and multi-disk archives are
 * refused as `corrupt-bundle`.
 */
import { zipSync } from 'fflate';
import { inflateBounded } from './codec.ts';
import { PresetError } from './errors.ts';

export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localOffset: number;
  readonly flags: number;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const corrupt = (problem: string, path = ''): PresetError => new PresetError('corrupt-bundle', path, problem);

/** Reads the central directory; throws `corrupt-bundle` for anything that is not a plain zip. */
export function readZipDirectory(bytes: Uint8Array): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (o: number): number => view.getUint16(o, true);
  const u32 = (o: number): number => view.getUint32(o, true);
  if (bytes.length < 22) throw corrupt('not a .namrig bundle: too short to be a zip file');
  let eocd = -1;
  for (let o = bytes.length - 22; o >= Math.max(0, bytes.length - 22 - 65535); o--) {
    if (u32(o) === 0x06054b50) {
      eocd = o;
      break;
    }
  }
  if (eocd < 0) throw corrupt('not a .namrig bundle: not a zip file (no end-of-directory record)');
  const count = u16(eocd + 10);
  const dirSize = u32(eocd + 12);
  const dirOffset = u32(eocd + 16);
  if (u16(eocd + 4) !== 0 || u16(eocd + 6) !== 0 || u16(eocd + 8) !== count) throw corrupt('multi-disk zip archives are not supported');
  if (count === 0xffff || dirOffset === 0xffffffff) throw corrupt('ZIP64 archives are not supported');
  if (dirOffset + dirSize > eocd) throw corrupt('the zip directory points outside the file (truncated?)');
  const entries: ZipEntry[] = [];
  let o = dirOffset;
  for (let i = 0; i < count; i++) {
    if (o + 46 > eocd || u32(o) !== 0x02014b50) throw corrupt(`zip directory entry ${i} is damaged`);
    const flags = u16(o + 8);
    const method = u16(o + 10);
    const crc = u32(o + 16);
    const compressedSize = u32(o + 20);
    const size = u32(o + 24);
    const nameLen = u16(o + 28);
    const extraLen = u16(o + 30);
    const commentLen = u16(o + 32);
    const localOffset = u32(o + 42);
    if (o + 46 + nameLen > eocd) throw corrupt(`zip directory entry ${i} is damaged`);
    const name = new TextDecoder().decode(bytes.subarray(o + 46, o + 46 + nameLen));
    if (flags & 1) throw corrupt('encrypted members are not supported', name);
    if (compressedSize === 0xffffffff || size === 0xffffffff || localOffset === 0xffffffff) throw corrupt('ZIP64 members are not supported', name);
    if (method !== 0 && method !== 8) throw corrupt(`unsupported compression method ${method}`, name);
    if (entries.some((e) => e.name === name)) throw corrupt('appears twice in the zip', name);
    entries.push({ name, method, crc, compressedSize, size, localOffset, flags });
    o += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** Refuses archives whose members declare more than `limit` unpacked bytes in total. */
export function checkDeclaredSize(entries: readonly ZipEntry[], limit: number): void {
  const total = entries.reduce((a, e) => a + e.size, 0);
  if (total > limit) throw new PresetError('too-large', '', `the bundle unpacks to ${total} bytes, more than the ${limit}-byte (${limit / 2 ** 20} MiB) limit`);
}

/** One member's bytes: bounded by its declared size, checked against its CRC-32. */
export function readZipMember(bytes: Uint8Array, e: ZipEntry): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const o = e.localOffset;
  if (o + 30 > bytes.length || view.getUint32(o, true) !== 0x04034b50) throw corrupt('its local header is missing or damaged', e.name);
  const start = o + 30 + view.getUint16(o + 26, true) + view.getUint16(o + 28, true);
  const end = start + e.compressedSize;
  if (end > bytes.length) throw corrupt('its data runs past the end of the file (truncated?)', e.name);
  const data = bytes.subarray(start, end);
  let out: Uint8Array;
  if (e.method === 0) {
    if (e.compressedSize !== e.size) throw corrupt('a stored member whose sizes disagree', e.name);
    out = data;
  } else {
    out = inflateBounded(data, e.size, e.name, 'corrupt-bundle', () => corrupt(`unpacks to more than the ${e.size} bytes the zip declares (damaged, or a zip bomb)`, e.name));
  }
  if (out.length !== e.size) throw corrupt(`unpacks to ${out.length} bytes, but the zip declares ${e.size}`, e.name);
  if (crc32(out) !== e.crc) throw corrupt('its CRC-32 does not match (damaged data)', e.name);
  return out;
}

/** A zip of the given members, deflated (fflate). */
export function writeZip(members: Readonly<Record<string, Uint8Array>>): Uint8Array {
  return zipSync({ ...members }, { level: 9, mtime: new Date('2000-01-01T00:00:00Z') });
}
