import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, isAbsolute } from 'node:path';

/**
 * How this copy was installed, which decides how it gets new versions (docs/it-admin.md,
 * "Aggiornamenti"). Read from where the executable is, no Electron needed (tested alone):
 * - Windows: an NSIS install has its uninstaller beside the executable, an MSI one has
 *   none (Windows Installer keeps it); NSIS for one user lives under %LOCALAPPDATA%.
 * - macOS: the app bundle the user may replace (Squirrel.Mac swaps it) or one in a folder
 *   only an administrator writes.
 * - Linux: the deb package carries resources/package-type (electron-builder writes it;
 *   electron-updater reads it too), and is updated by apt; an AppImage runs with $APPIMAGE
 *   set (a variable a parent process could pass on: the package type is read first), and
 *   replaces itself only in a folder the user writes.
 * An NSIS install for one user in a folder they chose outside %LOCALAPPDATA% reads as one
 * for all users: it is then left to IT (the safe side), and the About screen says so.
 */
export type InstallKind =
  | 'nsis-per-user'
  | 'nsis-per-machine'
  | 'msi'
  | 'mac-replaceable'
  | 'mac-protected'
  | 'appimage'
  | 'appimage-protected'
  | 'deb'
  | 'not-packaged';

export interface InstallFacts {
  packaged: boolean;
  platform: NodeJS.Platform;
  /** process.execPath */
  executable: string;
  productName: string;
  env: { APPIMAGE?: string; LOCALAPPDATA?: string };
  /** resources/package-type, written by electron-builder for the deb (null: none). */
  packageType: string | null;
  exists(path: string): boolean;
  writable(path: string): boolean;
}

/** Windows paths compare without case, whichever slash they were written with. */
const inside = (parent: string, child: string) => {
  const plain = (path: string) => path.replaceAll('\\', '/').toLowerCase();
  const path = relative(plain(parent), plain(child));
  return path !== '' && !path.startsWith('..') && !isAbsolute(path);
};

export function installKindOf(facts: InstallFacts): InstallKind {
  if (!facts.packaged) return 'not-packaged';
  const folder = dirname(facts.executable);
  if (facts.platform === 'win32') {
    if (!facts.exists(join(folder, `Uninstall ${facts.productName}.exe`))) return 'msi';
    return facts.env.LOCALAPPDATA && inside(facts.env.LOCALAPPDATA, folder) ? 'nsis-per-user' : 'nsis-per-machine';
  }
  if (facts.platform === 'darwin') {
    const at = facts.executable.lastIndexOf('.app/Contents/MacOS/');
    const bundle = at < 0 ? null : facts.executable.slice(0, at + 4);
    return bundle && facts.writable(bundle) && facts.writable(dirname(bundle)) ? 'mac-replaceable' : 'mac-protected';
  }
  if (facts.packageType !== null || !facts.env.APPIMAGE) return 'deb';
  const image = facts.env.APPIMAGE;
  return facts.writable(image) && facts.writable(dirname(image)) ? 'appimage' : 'appimage-protected';
}

/** This copy's facts, read from the disk (the part of the policy's input that is not IT's configuration). */
export function readInstallFacts(options: { packaged: boolean; productName: string }) {
  const read = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : null);
  const kind = installKindOf({
    packaged: options.packaged,
    packageType: options.packaged ? read(join(process.resourcesPath, 'package-type')) : null,
    platform: process.platform,
    executable: process.execPath,
    productName: options.productName,
    env: process.env,
    exists: existsSync,
    writable: (path) => {
      try {
        accessSync(path, constants.W_OK);
        return true;
      } catch {
        return false;
      }
    },
  });
  return {
    install: kind,
    platform: process.platform,
    arch: process.arch,
    // Beside the app in the package: electron-builder writes app-update.yml from `publish`;
    // the release puts the team's public key there (docs/it-admin.md § 4). Without the key an
    // AppImage does not update itself.
    appUpdateYml: options.packaged ? read(join(process.resourcesPath, 'app-update.yml')) : null,
    signingKey: options.packaged ? read(join(process.resourcesPath, 'update-signing-key.pem')) : null,
  };
}
