/**
 * electron-builder hooks (loaded through after-pack.mjs / after-sign.mjs, which register
 * tsx): Electron fuses flipped in every packaged binary, and macOS notarization.
 */
import { join } from 'node:path';
import { flipFuses, FuseV1Options, FuseVersion } from '@electron/fuses';
import { notarize } from '@electron/notarize';
import { Arch, type AfterPackContext } from 'electron-builder';

/**
 * The fuses of the Electron security checklist, all of them set explicitly (a new fuse
 * in a future Electron fails the build until it is decided here).
 */
export const fuses = {
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
} as const;

/** The packaged Electron binary (macOS: the .app, whose framework holds the fuses). */
export function packagedExecutable(context: Pick<AfterPackContext, 'electronPlatformName' | 'appOutDir' | 'packager'>): string {
  const { electronPlatformName, appOutDir, packager } = context;
  const productFilename = packager.appInfo.productFilename;
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') return join(appOutDir, `${productFilename}.app`);
  if (electronPlatformName === 'win32') return join(appOutDir, `${productFilename}.exe`);
  return join(appOutDir, (packager as unknown as { executableName: string }).executableName);
}

export async function afterPack(context: AfterPackContext): Promise<void> {
  const executable = packagedExecutable(context);
  await flipFuses(executable, {
    version: FuseVersion.V1,
    strictlyRequireAllFuses: true,
    // Apple silicon refuses a binary whose ad-hoc signature no longer matches.
    resetAdHocDarwinSignature: context.electronPlatformName === 'darwin' && context.arch === Arch.arm64,
    ...fuses,
  });
  console.log(`  • fuses flipped  file=${executable}`);
}

/**
 * Notarization with notarytool and an App Store Connect API key from the environment
 * (APPLE_API_KEY: path of the .p8 file, APPLE_API_KEY_ID, APPLE_API_ISSUER). Without
 * them (a developer's build) it says so and skips; the release workflow sets
 * SPORTELLO_REQUIRE_NOTARIZATION=1 so that a missing key fails the release instead.
 */
export async function afterSign(context: AfterPackContext): Promise<void> {
  if (context.electronPlatformName !== 'darwin') return;
  const { APPLE_API_KEY: appleApiKey, APPLE_API_KEY_ID: appleApiKeyId, APPLE_API_ISSUER: appleApiIssuer } = process.env;
  if (!appleApiKey || !appleApiKeyId || !appleApiIssuer) {
    if (process.env.SPORTELLO_REQUIRE_NOTARIZATION === '1')
      throw new Error('notarization: APPLE_API_KEY, APPLE_API_KEY_ID and APPLE_API_ISSUER are required');
    console.log('  • notarization skipped (no App Store Connect API key in the environment)');
    return;
  }
  const appPath = packagedExecutable(context);
  await notarize({ appPath, appleApiKey, appleApiKeyId, appleApiIssuer });
  console.log(`  • notarized  file=${appPath}`);
}
