import { createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { deviceProofText, type SignInRequest } from '../../../shared/contract/central-api';
import type { SyncStateRepository } from '../sync/sync-state-repository';

/**
 * This installation's device key (Ed25519), made once and kept in the encrypted store
 * beside the device id. At sign-in the desk signs whose sign-in it is on which device;
 * the central service registers the device id with the public key the first time and,
 * after that, takes the device id only from the same key.
 */
export class DeviceKey {
  private cached: { privateKey: ReturnType<typeof createPrivateKey>; publicKey: string } | null = null;

  constructor(private readonly state: SyncStateRepository) {}

  private key() {
    if (this.cached) return this.cached;
    let pkcs8 = this.state.get('deviceKey');
    if (!pkcs8) {
      pkcs8 = generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
      this.state.set('deviceKey', pkcs8);
    }
    const privateKey = createPrivateKey({ key: Buffer.from(pkcs8, 'base64'), format: 'der', type: 'pkcs8' });
    const publicKey = createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).toString('base64');
    this.cached = { privateKey, publicKey };
    return this.cached;
  }

  /** The device id and its proof for this sign-in. */
  prove(officeCode: string, username: string): Pick<SignInRequest, 'deviceId' | 'device'> {
    const deviceId = this.state.clientId();
    const { privateKey, publicKey } = this.key();
    const signature = sign(null, Buffer.from(deviceProofText({ officeCode, username, deviceId })), privateKey).toString('base64');
    return { deviceId, device: { publicKey, signature } };
  }
}
