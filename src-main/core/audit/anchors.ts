import { createPublicKey, verify } from 'node:crypto';
import {
  auditAnchorSigningText,
  auditReceiptSchema,
  signingKeysResponseSchema,
  type AuditReceipt,
  type SigningKeysResponse,
} from '../../../shared/contract/central-api';
import type { AuditVerificationResult } from '../../../shared/contract/operations';
import { settingsLimits } from '../../../shared/contract/settings-limits';
import type { Logger } from '../log';
import type { LocalStore } from '../store/database';
import { SettingsRepository } from '../settings/settings-repository';
import { statementCache } from '../store/statements';
import { SyncStateRepository } from '../sync/sync-state-repository';
import type { CentralClient } from '../sync/central-client';
import type { AuditLog } from './audit-log';

/** At least this often the head is anchored, pushes or not. */
export const anchorEveryMs = 24 * 60 * 60_000;
/** A purge removes only entries older than the shortest retention an administrator can set. */
const minimumRetentionMs = settingsLimits.retentionDays.min * 24 * 60 * 60_000;
const clockToleranceMs = 5 * 60_000;

const keysStateKey = 'centralSigningKeys';

/** Whether the receipt's signature verifies with one of the service's published keys. */
export function receiptSigned(receipt: AuditReceipt, keys: SigningKeysResponse['keys']): boolean {
  const key = keys.find((candidate) => candidate.keyId === receipt.keyId);
  if (!key) return false;
  try {
    const publicKey = createPublicKey({ key: Buffer.from(key.publicKey, 'base64'), format: 'der', type: 'spki' });
    return verify(null, Buffer.from(auditAnchorSigningText(receipt.anchor)), publicKey, Buffer.from(receipt.signature, 'base64'));
  } catch {
    return false;
  }
}

/**
 * Anchors the audit chain outside this PC. Whoever holds the store key can drop the
 * triggers, edit entries and recompute every hash: the chain alone then still verifies.
 * So the desk sends its head (sequence, hash) to the central service with every push and
 * at least daily, and keeps the receipt the service signs. Verification checks the chain
 * against every receipt kept here and, when reachable, against the service's own latest
 * (which a deletion of local receipts cannot hide).
 */
export class AuditAnchors {
  private readonly sql: ReturnType<typeof statementCache>;
  private anchoring: Promise<void> | null = null;
  /** Keys fetched from the service in this run: preferred over the store's copy. */
  private fetchedKeys: SigningKeysResponse['keys'] | null = null;

  constructor(
    private readonly parts: {
      store: LocalStore;
      audit: AuditLog;
      /** Null: verification from the receipts and keys kept here only (`npm run audit:verify` without a service). */
      client: CentralClient | null;
      logger: Logger;
      now: () => number;
    },
  ) {
    this.sql = statementCache(parts.store.sqlite);
    const state = new SyncStateRepository(parts.store);
    const settings = new SettingsRepository(parts.store);
    this.identity = () => ({ deviceId: state.get('clientId'), officeCode: settings.get('office') });
  }

  /** Whose receipts these must be: this installation's device id and the office its store is bound to (null: not known yet). */
  private readonly identity: () => { deviceId: string | null; officeCode: string | null };

  receipts(): AuditReceipt[] {
    const rows = this.sql('SELECT receipt FROM audit_anchors ORDER BY sequence').all() as { receipt: string }[];
    return rows.flatMap((row) => {
      const parsed = auditReceiptSchema.safeParse(JSON.parse(row.receipt));
      return parsed.success ? [parsed.data] : [];
    });
  }

  private latestLocal(): AuditReceipt | null {
    const row = this.sql('SELECT receipt FROM audit_anchors ORDER BY sequence DESC LIMIT 1').get() as { receipt: string } | undefined;
    return row ? auditReceiptSchema.parse(JSON.parse(row.receipt)) : null;
  }

  /** The service's published keys: fetched once and kept (a receipt signed by another key makes it fetch again). */
  private async keys(refresh = false): Promise<SigningKeysResponse['keys'] | null> {
    if (this.fetchedKeys && !refresh) return this.fetchedKeys;
    const kept = this.sql('SELECT value FROM sync_state WHERE key = ?').get(keysStateKey) as { value: string } | undefined;
    if (kept && !refresh) {
      const parsed = signingKeysResponseSchema.safeParse(JSON.parse(kept.value));
      if (parsed.success) return parsed.data.keys;
    }
    if (!this.parts.client) return null;
    const fetched = await this.parts.client.signingKeys();
    if (!fetched.ok) return null;
    this.fetchedKeys = fetched.value.keys;
    if (!this.parts.store.sqlite.readonly)
      this.sql('INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(
        keysStateKey,
        JSON.stringify(fetched.value),
      );
    return fetched.value.keys;
  }

  /** Fetches the service's published keys again (before a verification that must not trust the store's copy). */
  async refreshKeys(): Promise<boolean> {
    return (await this.keys(true)) !== null;
  }

  private async verifiedReceipt(receipt: AuditReceipt): Promise<boolean> {
    const keys = await this.keys();
    if (keys && receiptSigned(receipt, keys)) return true;
    const fresh = await this.keys(true);
    return fresh !== null && receiptSigned(receipt, fresh);
  }

  /**
   * Sends the head when it moved since the last anchor: `push` after outcomes went out,
   * `daily` when the last anchor is older than a day. One at a time.
   */
  anchor(token: string, reason: 'push' | 'daily'): Promise<void> {
    if (this.anchoring) return this.anchoring;
    this.anchoring = this.send(token, reason)
      .catch((error: unknown) => this.parts.logger.error('audit.anchor-error', { error: error instanceof Error ? error.name : 'unknown' }))
      .finally(() => (this.anchoring = null));
    return this.anchoring;
  }

  private async send(token: string, reason: 'push' | 'daily'): Promise<void> {
    const head = this.parts.audit.head();
    const last = this.latestLocal();
    if (!head || !this.parts.client || (last && head.sequence <= last.anchor.sequence)) return;
    if (reason === 'daily' && last && this.parts.now() - Date.parse(last.anchor.anchoredAt) < anchorEveryMs) return;
    const answer = await this.parts.client.anchorAuditHead(token, head);
    if (!answer.ok) {
      this.parts.logger.warn('audit.anchor-failed', {
        kind: answer.failure.kind,
        status: 'status' in answer.failure ? answer.failure.status : 0,
      });
      return;
    }
    const receipt = answer.value;
    if (receipt.anchor.sequence !== head.sequence || receipt.anchor.hash !== head.hash || !(await this.verifiedReceipt(receipt))) {
      this.parts.logger.error('audit.anchor-receipt-invalid', { sequence: head.sequence });
      return;
    }
    this.sql('INSERT OR IGNORE INTO audit_anchors (sequence, hash, anchored_at, receipt) VALUES (?, ?, ?, ?)').run(
      receipt.anchor.sequence,
      receipt.anchor.hash,
      receipt.anchor.anchoredAt,
      JSON.stringify(receipt),
    );
    this.parts.logger.info('audit.anchored', { sequence: head.sequence, reason });
  }

  /**
   * Whether the chain still holds what a receipt signed. A head a retention purge
   * removed counts only when the purge could have removed it: the head was recorded at
   * least the minimum retention before the purge, and the purge is not in the future.
   */
  private holds(receipt: AuditReceipt, identity: { deviceId: string | null; officeCode: string | null }): boolean {
    const { anchor } = receipt;
    // A receipt of another desk or office, put into this store, proves nothing about it.
    if ((identity.deviceId && anchor.deviceId !== identity.deviceId) || (identity.officeCode && anchor.officeCode !== identity.officeCode))
      return false;
    const now = this.parts.audit.hashAt(anchor.sequence);
    if (now.state === 'present') return now.hash === anchor.hash;
    if (now.state === 'missing') return false;
    if (now.hash !== null && now.hash !== anchor.hash) return false;
    const checkpoint = this.parts.audit.checkpoint();
    if (!checkpoint) return false;
    const purgedAt = Date.parse(checkpoint.at);
    return purgedAt <= this.parts.now() + clockToleranceMs && Date.parse(anchor.at) <= purgedAt - minimumRetentionMs;
  }

  /**
   * The chain's own check, then every signed head: the chain must still have, at each
   * anchored sequence, the hash the service signed. `token`: ask the service for its
   * latest receipt too (online), and its keys afresh.
   */
  async verify(token: string | null): Promise<AuditVerificationResult> {
    const chain = this.parts.audit.verify();
    const receipts = this.receipts();
    let source: 'central' | 'local' | 'none' = receipts.length > 0 ? 'local' : 'none';
    if (token && this.parts.client) {
      // Online the service's keys are asked afresh: keys kept in the store could have been swapped with it.
      await this.keys(true);
      const latest = await this.parts.client.latestAuditAnchor(token);
      if (latest.ok) {
        source = 'central';
        const receipt = latest.value.receipt;
        if (
          receipt &&
          !receipts.some((kept) => kept.anchor.sequence === receipt.anchor.sequence && kept.anchor.hash === receipt.anchor.hash)
        )
          receipts.push(receipt);
      }
    }
    receipts.sort((a, b) => a.anchor.sequence - b.anchor.sequence);
    const identity = this.identity();
    let anchoredSeq: number | null = null;
    for (const receipt of receipts) {
      if (!(await this.verifiedReceipt(receipt)) || !this.holds(receipt, identity)) {
        // Rewritten after the last anchor that still matches: the altered entry lies after it.
        return { ok: false, entries: chain.entries, firstBrokenSeq: (anchoredSeq ?? 0) + 1, reason: 'anchor', anchoredSeq };
      }
      anchoredSeq = receipt.anchor.sequence;
    }
    if (!chain.ok) return { ...chain, anchoredSeq };
    return { ok: true, entries: chain.entries, anchoredSeq, anchorSource: source };
  }
}
