import type { Session } from 'electron';
import type { MachineConfig } from '../../shared/contract/machine-config';

/**
 * Outbound connections go through Electron's `net` (see main.ts), hence through the
 * session's proxy: the system's by default (with the OS certificate store), or what IT
 * fixed in the machine-wide configuration.
 */
export async function applyProxy(session: Pick<Session, 'setProxy'>, proxy: MachineConfig['proxy']): Promise<void> {
  if (!proxy || proxy.mode === 'system') {
    await session.setProxy({ mode: 'system' });
    return;
  }
  if (proxy.mode === 'direct') {
    await session.setProxy({ mode: 'direct' });
    return;
  }
  await session.setProxy({ mode: 'fixed_servers', proxyRules: proxy.rules, proxyBypassRules: proxy.bypass });
}
