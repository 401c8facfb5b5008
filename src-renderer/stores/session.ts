import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AppError, SessionInfo } from '../../shared/contract';
import { deskApi } from '../api';

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

  async function signIn(officeCode: string, username: string, password: string): Promise<AppError | null> {
    const result = await deskApi().call('session.signIn', { officeCode, username, password });
    if (!result.ok) return result.error;
    session.value = result.value;
    notice.value = null;
    return null;
  }

  async function signOut() {
    await deskApi().call('session.signOut', {});
    session.value = null;
  }

  function expired() {
    session.value = null;
    notice.value = 'expired';
  }

  return { session, loaded, notice, load, signIn, signOut, expired };
});
