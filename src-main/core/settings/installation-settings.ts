import {
  purgeReportSchema,
  settingsLimits,
  type AppMode,
  type OperationInput,
  type PurgeReport,
  type Settings,
} from '../../../shared/contract';
import type { SessionInfo } from '../../../shared/contract/sync';
import type { AuditLog } from '../audit/audit-log';
import type { Logger } from '../log';
import { failures } from '../rpc/failures';
import { managedSettings, type MachineConfigState } from './machine-config';
import type { PreferencesStore } from './preferences';
import type { SettingsRepository } from './settings-repository';

export type NumberSetting = keyof typeof settingsLimits;

export interface InstallationSettingsParts {
  repository: SettingsRepository;
  preferences: PreferencesStore;
  machine: MachineConfigState;
  audit: AuditLog;
  logger: Logger;
  /** The mode, and the central service in use now (chosen at start). */
  app: { mode: AppMode; centralUrl: string };
}

/**
 * The installation's settings in one place: the effective value of each (IT's
 * machine-wide configuration, then what an office administrator stored, then the
 * default), which fields IT manages, the rules of a change, and its audit entry.
 */
export class InstallationSettings {
  private readonly machineConfig;

  constructor(private readonly parts: InstallationSettingsParts) {
    this.machineConfig = parts.machine.status === 'valid' ? parts.machine.config : null;
  }

  /** The effective value; a stored value outside its bounds reads as the default. */
  number(key: NumberSetting): number {
    if (key === 'retentionDays' && this.machineConfig?.retentionDays !== undefined) return this.machineConfig.retentionDays;
    const limits = settingsLimits[key];
    const stored = Number(this.parts.repository.get(key) ?? Number.NaN);
    return Number.isInteger(stored) && stored >= limits.min && stored <= limits.max ? stored : limits.default;
  }

  /** The school's and the DPO's contacts for the informativa ('' when not given). */
  text(key: 'privacyContacts'): string {
    return this.parts.repository.get(key) ?? '';
  }

  /** What the settings screen shows to this session. */
  view(session: SessionInfo | null): Settings {
    const chosen = this.machineConfig?.centralUrl ?? this.parts.preferences.get().centralUrl;
    const active = this.parts.app.centralUrl;
    return {
      centralUrl: chosen,
      activeCentralUrl: active,
      // Training runs the embedded service: a chosen URL (or its removal) needs a restart.
      restartNeeded: this.parts.app.mode === 'training' ? chosen !== null : chosen !== active,
      retentionDays: this.number('retentionDays'),
      idleLockMinutes: this.number('idleLockMinutes'),
      offlineSignInDays: this.number('offlineSignInDays'),
      privacyContacts: this.text('privacyContacts'),
      lastPurge: this.lastPurge(),
      office: session?.office ?? null,
      canEdit: session?.operator.role === 'office-admin',
      managed: managedSettings(this.parts.machine),
    };
  }

  /** An office administrator's change: fields IT fixed may only keep IT's value. Audited. */
  update(change: OperationInput<'settings.update'>, operatorId: string | null): void {
    const { centralUrl, retentionDays, idleLockMinutes, offlineSignInDays, privacyContacts } = change;
    const config = this.machineConfig;
    const path = this.parts.machine.path;
    if (config?.centralUrl !== undefined && centralUrl !== config.centralUrl) throw failures.managedSetting('central-url', path);
    if (config?.retentionDays !== undefined && retentionDays !== config.retentionDays) throw failures.managedSetting('retention', path);
    if (config?.centralUrl === undefined) this.parts.preferences.update({ centralUrl });
    const { repository } = this.parts;
    if (config?.retentionDays === undefined) repository.set('retentionDays', String(retentionDays));
    repository.set('idleLockMinutes', String(idleLockMinutes));
    repository.set('offlineSignInDays', String(offlineSignInDays));
    // Left out of a change, the contacts stay as they are.
    if (privacyContacts !== undefined) repository.set('privacyContacts', privacyContacts);
    const changed = { retentionDays, idleLockMinutes, offlineSignInDays };
    this.parts.audit.append('settings-change', {
      operatorId,
      subject: `${Object.entries(changed)
        .map(([key, value]) => `${key}=${value}`)
        .join(';')};central=${centralUrl ? 'set' : 'training'};contacts=${this.text('privacyContacts') ? 'set' : 'none'}`,
    });
    this.parts.logger.info('settings.changed', { ...changed, centralConfigured: centralUrl !== null });
  }

  /** The office whose data this store holds: bound once, at the first online sign-in. */
  readonly storeOffice = {
    get: (): string | null => this.parts.repository.get('office'),
    bind: (code: string): void => {
      if (!this.parts.repository.get('office')) this.parts.repository.set('office', code.toUpperCase());
    },
  };

  lastPurge(): PurgeReport | null {
    const value = this.parts.repository.get('lastPurge');
    if (!value) return null;
    try {
      return purgeReportSchema.parse(JSON.parse(value));
    } catch {
      return null;
    }
  }

  recordPurge(report: PurgeReport): void {
    this.parts.repository.set('lastPurge', JSON.stringify(report));
  }
}
