// API keys: 32 random bytes shown once, stored as a SHA-256 digest. A digest of a high-entropy secret
// needs no salt or stretching (nothing to guess), and it can be looked up by a unique index.
import { createHash, randomBytes } from 'node:crypto';
import type { Pool } from '../../../rating/db/pool';

export const ROLES = ['account-admin', 'support', 'operator'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, once the key is verified. accountId is set for account-admin keys only. */
export interface Principal {
  readonly keyId: string;
  readonly role: Role;
  readonly accountId: string | null;
  readonly label: string;
}

export interface CreatedKey extends Principal {
  /** The key itself: returned once, never stored, never logged. */
  readonly secret: string;
}

export interface KeyListing extends Principal {
  /** First characters of the key, so a person can tell their keys apart. */
  readonly hint: string;
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
}

const KEY_PREFIX = 'sk_';
const KEY_SHAPE = /^sk_[A-Za-z0-9_-]{43}$/;
const HINT_LENGTH = 10;

export function hashKey(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** True when the text has the shape of a Solde key: lets a typo be refused without a database read. */
export function looksLikeKey(text: string): boolean {
  return KEY_SHAPE.test(text);
}

export class ApiKeyStore {
  constructor(private readonly pool: Pool) {}

  async create(input: { role: Role; accountId: string | null; label: string }): Promise<CreatedKey> {
    if (!ROLES.includes(input.role)) throw new TypeError(`unknown role ${input.role}`);
    if ((input.role === 'account-admin') !== (input.accountId !== null)) {
      throw new TypeError('an account-admin key needs an account; support and operator keys have none');
    }
    const secret = KEY_PREFIX + randomBytes(32).toString('base64url');
    const { rows } = await this.pool.query<{ id: string }>(
      `INSERT INTO api_keys (key_sha256, key_hint, role, account_id, label) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [hashKey(secret), secret.slice(0, HINT_LENGTH), input.role, input.accountId, input.label],
    );
    return { keyId: rows[0]!.id, role: input.role, accountId: input.accountId, label: input.label, secret };
  }

  /** The principal of a live key, or null for an unknown, malformed or revoked one. */
  async verify(secret: string): Promise<Principal | null> {
    if (!looksLikeKey(secret)) return null;
    const { rows } = await this.pool.query<{ id: string; role: Role; account_id: string | null; label: string }>(
      `SELECT id, role, account_id, label FROM api_keys WHERE key_sha256 = $1 AND revoked_at IS NULL`,
      [hashKey(secret)],
    );
    const row = rows[0];
    if (!row) return null;
    return { keyId: row.id, role: row.role, accountId: row.account_id, label: row.label };
  }

  /** Every key, newest first (at most `limit`): hint, role, tenant, label, dates; never a secret. */
  async list(limit: number): Promise<KeyListing[]> {
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) throw new RangeError(`limit must be 1..1000: ${limit}`);
    const { rows } = await this.pool.query<{ id: string; key_hint: string; role: Role; account_id: string | null; label: string; created_at: Date; revoked_at: Date | null }>(
      'SELECT id, key_hint, role, account_id, label, created_at, revoked_at FROM api_keys ORDER BY id DESC LIMIT $1', [limit]);
    return rows.map((r) => ({
      keyId: r.id, hint: r.key_hint, role: r.role, accountId: r.account_id, label: r.label, createdAt: r.created_at, revokedAt: r.revoked_at,
    }));
  }

  /** Revokes a key; true when it was live. Idempotent. */
  async revoke(keyId: string): Promise<boolean> {
    const result = await this.pool.query(`UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`, [keyId]);
    return result.rowCount === 1;
  }
}
