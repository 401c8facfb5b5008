import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { machineConfigSchema, type MachineConfig, type ManagedSettings } from '../../../shared/contract/machine-config';
import { issuePath } from '../rpc/dispatcher';

/**
 * The machine-wide configuration file IT deploys (schema: shared/contract/machine-config.ts).
 * Read once at start by the host; an invalid file stops the app before anything starts,
 * with the problems named field by field in Italian.
 */
export type MachineConfigState =
  | { status: 'absent'; path: string }
  | { status: 'valid'; path: string; config: MachineConfig }
  | { status: 'invalid'; path: string; problems: string[] };

/** Where IT puts the file on each operating system. */
export function machineConfigPath(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  if (platform === 'win32') return join(env.ProgramData ?? 'C:\\ProgramData', 'SportelloIdentificazione', 'config.json');
  if (platform === 'darwin') return '/Library/Application Support/SportelloIdentificazione/config.json';
  return '/etc/sportello-identificazione/config.json';
}

export function readMachineConfig(path: string): MachineConfigState {
  if (!existsSync(path)) return { status: 'absent', path };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8').replace(/^\uFEFF/, ''));
  } catch (error) {
    const reason = error instanceof SyntaxError ? error.message : 'file non leggibile';
    return { status: 'invalid', path, problems: [`Il file non è JSON valido (${reason}).`] };
  }
  const parsed = machineConfigSchema.safeParse(json, { error: z.locales.it().localeError });
  if (!parsed.success) {
    const problems = parsed.error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => `«${issuePath([...issue.path, key])}»: campo non previsto (controllare il nome).`)
        : [`«${issuePath(issue.path)}»: ${issue.message}`],
    );
    return { status: 'invalid', path, problems };
  }
  return { status: 'valid', path, config: parsed.data };
}

/** The central service: machine-wide configuration first, then the host's own choices in order. */
export function chooseCentralUrl(state: MachineConfigState, ...candidates: Array<string | null | undefined>): string | undefined {
  if (state.status === 'valid' && state.config.centralUrl) return state.config.centralUrl;
  return candidates.find((candidate): candidate is string => typeof candidate === 'string' && candidate.length > 0);
}

/** What the settings screen shows as fixed by IT. */
export function managedSettings(state: MachineConfigState): ManagedSettings | null {
  if (state.status !== 'valid') return null;
  const { config } = state;
  return {
    path: state.path,
    centralUrl: config.centralUrl !== undefined,
    retentionDays: config.retentionDays !== undefined,
    officeCode: config.office?.code ?? null,
    updates: config.updates?.enabled === false ? 'disabled' : config.updates?.feedUrl ? 'custom-feed' : 'default',
    proxy: config.proxy?.mode ?? 'system',
  };
}
