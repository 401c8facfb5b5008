import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AppError, SessionInfo } from '../../shared/contract';
import { deskApi } from '../api';
import { useArchiveStore } from './archive';
import { useLookupStore } from './lookup';
import { useOperatorsStore } from './operators';

/** The signed-in operator (the token itself never leaves the main process). */
export const useSessionStore = defineStore('session', () => {
  const session = ref<SessionInfo | null>(null);
  const loaded = ref(false);
  /** Why the person was sent back to sign in (expired session). */
  const notice = ref<'expired' | null>(null);

  async function load() {
    const result = await deskApi().call('session.current', {});
    session.value = result.ok ? result.value : null;
    loaded.value = true;
  }

  /** `newPassword`: the first sign-in on a temporary password (the core changes it, then signs in). */
  async function signIn(officeCode: string, username: string, password: string, newPassword?: string): Promise<AppError | null> {
    const result = await deskApi().call('session.signIn', { officeCode, username, password, ...(newPassword ? { newPassword } : {}) });
    if (!result.ok) return result.error;
    session.value = result.value;
    notice.value = null;
    return null;
  }

  // The next person at the PC never finds the last applicant on the desk, nor the archive's list.
  const lookup = useLookupStore();
  const forget = () => {
    lookup.clear();
    useArchiveStore().clear();
  };

  async function signOut() {
    await deskApi().call('session.signOut', {});
    session.value = null;
    forget();
    useOperatorsStore().clear();
  }

  function expired() {
    session.value = null;
    forget();
    notice.value = 'expired';
  }

  /** The main process locked or unlocked the session (idle time, or the lock button). */
  function lockChanged(locked: boolean) {
    if (session.value) session.value = { ...session.value, locked };
    if (locked) forget();
  }

  async function lock() {
    const result = await deskApi().call('session.lock', {});
    if (result.ok && result.value) session.value = result.value;
    forget();
  }

  async function unlock(password: string): Promise<AppError | null> {
    const result = await deskApi().call('session.unlock', { password });
    if (!result.ok) return result.error;
    session.value = result.value;
    return null;
  }

  /**
   * What main says about the session: locked or unlocked, or refused by the central service
   * (`toSignIn` takes the person back to sign in; nothing queued is lost). Heard from the page's
   * start (main.ts), not from the mount: a lock told in between is not missed.
   */
  function listen(toSignIn: () => void) {
    return deskApi().onEvent((event) => {
      if (event.name === 'session.required' && event.payload.reason === 'expired') {
        expired();
        toSignIn();
      }
      if (event.name === 'session.lock') lockChanged(event.payload.locked);
    });
  }

  /** Keys and clicks at the desk postpone the idle lock (at most one call every 20 s). */
  let lastTouch = 0;
  function activity() {
    if (!session.value || session.value.locked) return;
    const now = Date.now();
    if (now - lastTouch < 20_000) return;
    lastTouch = now;
    void deskApi().call('session.touch', {});
  }

  return { session, loaded, notice, load, signIn, signOut, expired, lockChanged, lock, unlock, activity, listen };
});
