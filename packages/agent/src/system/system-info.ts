/**
 * The system information the technician may ask for, once the customer
 * accepted (issue 11, "System information"): the operating system and its
 * version, computer name, user, CPU, memory, disks with size and free space,
 * displays, network adapters with addresses and MAC addresses, uptime and
 * Tandem's version. From node:os and, on Linux, /etc/os-release and
 * /proc/mounts; disks through statfs; displays through the X server on
 * Linux. Nothing else is read and nothing is sent before the customer's yes.
 */
import { readFile, statfs } from 'node:fs/promises';
import { arch, cpus, freemem, hostname, networkInterfaces, release, totalmem, type, uptime, userInfo, version } from 'node:os';
import x11 from 'x11';
import type { X11Display } from 'x11';
import { SYSINFO_LIMITS, TANDEM_VERSION, type SysinfoItem } from '@tandem/protocol';

/** File systems that are disks a person cares about (not /proc, cgroups, overlays of containers...). */
const DISK_TYPES = new Set(['ext2', 'ext3', 'ext4', 'xfs', 'btrfs', 'zfs', 'vfat', 'exfat', 'ntfs', 'ntfs3', 'fuseblk', 'f2fs', 'jfs', 'reiserfs', 'hfsplus', 'apfs']);

/** How long the X server gets to answer, ms. */
const DISPLAY_TIMEOUT_MS = 2000;

/** "15.6 GiB": bytes in binary units, one decimal. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** "3 days 4 hours 5 minutes". */
function formatUptime(seconds: number): string {
  const parts: string[] = [];
  const d = Math.floor(seconds / 86400), h = Math.floor((seconds % 86400) / 3600), m = Math.floor((seconds % 3600) / 60);
  if (d > 0) parts.push(`${d} day${d === 1 ? '' : 's'}`);
  if (h > 0) parts.push(`${h} hour${h === 1 ? '' : 's'}`);
  parts.push(`${m} minute${m === 1 ? '' : 's'}`);
  return parts.join(' ');
}

/** The distribution's own name (os-release(5) PRETTY_NAME), when there is one. */
async function linuxDistribution(): Promise<string | undefined> {
  for (const path of ['/etc/os-release', '/usr/lib/os-release']) {
    const text = await readFile(path, 'utf8').catch(() => undefined);
    const m = text === undefined ? null : /^PRETTY_NAME=("?)(.*)\1$/m.exec(text);
    if (m?.[2]) return m[2];
  }
  return undefined;
}

/** The mount points of real disks: /proc/mounts on Linux, the drive letters on Windows. */
async function diskPaths(): Promise<string[]> {
  if (process.platform === 'win32') return [...'CDEFGHIJKLMNOPQRSTUVWXYZ'].map((letter) => `${letter}:\\`);
  const text = await readFile('/proc/mounts', 'utf8').catch(() => '');
  const seen = new Set<string>();
  for (const line of text.split('\n')) {
    const [device, mount, fsType] = line.split(' ');
    if (device === undefined || mount === undefined || fsType === undefined || !DISK_TYPES.has(fsType)) continue;
    // /proc/mounts escapes spaces and the like as octal (fstab(5)).
    seen.add(mount.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8))));
  }
  if (seen.size === 0) seen.add('/');
  return [...seen];
}

async function disks(): Promise<SysinfoItem[]> {
  const items: SysinfoItem[] = [];
  for (const path of await diskPaths()) {
    const s = await statfs(path).catch(() => undefined);
    if (s === undefined || s.blocks === 0) continue;
    items.push({ key: `Disk ${path}`, value: `${formatBytes(s.blocks * s.bsize)}, ${formatBytes(s.bavail * s.bsize)} free` });
  }
  return items;
}

/** The X display's screens (`DISPLAY`), or nothing when there is none or it does not answer. */
async function displays(display: string | undefined): Promise<SysinfoItem[]> {
  if (process.platform === 'win32' || display === undefined || display === '') return [];
  return new Promise<SysinfoItem[]>((resolve) => {
    let done = false;
    const finish = (items: SysinfoItem[]): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(items);
    };
    const timer = setTimeout(() => finish([]), DISPLAY_TIMEOUT_MS);
    const client = x11.createClient({ display }, (err: unknown, d: X11Display) => {
      if (err) {
        finish([]);
        return;
      }
      finish(d.screen.map((s, i) => ({ key: `Display ${display}.${i}`, value: `${s.pixel_width}x${s.pixel_height}, ${s.root_depth}-bit` })));
      d.client.terminate();
    });
    client.on('error', () => finish([]));
  });
}

function adapters(): SysinfoItem[] {
  const items: SysinfoItem[] = [];
  for (const [name, addresses] of Object.entries(networkInterfaces())) {
    if (addresses === undefined || addresses.every((a) => a.internal)) continue;
    const mac = addresses.find((a) => a.mac !== '00:00:00:00:00:00')?.mac ?? addresses[0]?.mac ?? '';
    items.push({ key: `Network ${name}`, value: `${addresses.map((a) => a.cidr ?? a.address).join(', ')}; MAC ${mac}` });
  }
  return items;
}

/** Collects the system information, in the order the technician sees it. */
export async function collectSystemInfo(env: NodeJS.ProcessEnv = process.env): Promise<SysinfoItem[]> {
  const processors = cpus();
  const distribution = process.platform === 'linux' ? await linuxDistribution() : undefined;
  const osName = `${distribution ?? type()} (${type()} ${release()}; ${version()})`;
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user = env.USER ?? env.USERNAME ?? 'unknown';
  }
  const items: SysinfoItem[] = [
    { key: 'OS', value: osName },
    { key: 'Computer name', value: hostname() },
    { key: 'User', value: user },
    { key: 'CPU', value: `${processors[0]?.model.trim() ?? 'unknown'}, ${processors.length} logical processors, ${arch()}` },
    { key: 'Memory', value: `${formatBytes(totalmem())}, ${formatBytes(freemem())} free` },
    ...(await disks()),
    ...(await displays(env.DISPLAY)),
    ...adapters(),
    { key: 'Uptime', value: formatUptime(uptime()) },
    { key: 'Tandem version', value: TANDEM_VERSION },
  ];
  return items.map((item) => ({ key: item.key.slice(0, SYSINFO_LIMITS.maxKeyChars), value: item.value.slice(0, SYSINFO_LIMITS.maxValueChars) }));
}
