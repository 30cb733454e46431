/**
 * Secrets at rest (issue 15): Slack tokens are sealed with AES-256-GCM (node:crypto) before they reach
 * the database, under HANDOFF_ENCRYPTION_KEY (32 random bytes, 64 hex characters).
 *
 * A sealed value is `hk1.<key id>.<iv>.<ciphertext>.<tag>` (base64url parts). The key id is derived
 * from the key itself (a hash, not the key), so a value says which key opens it: after a new key is
 * configured, values sealed under the previous one still open (HANDOFF_ENCRYPTION_KEY_PREVIOUS) until
 * `handoff rotate-key` has sealed them again under the new one. Each value is bound to where it is
 * stored (`context`, e.g. the row and column): a sealed token copied into another row does not open.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const FORMAT = 'hk1';
const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The id of a key as written into values sealed with it: 16 hex characters of a hash of the key. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('handoff encryption key id\0').update(key).digest('hex').slice(0, 16);
}

/** Why a sealed value cannot be opened; its message never contains the value. */
export class SealError extends Error {}

const b64 = (buf: Buffer) => buf.toString('base64url');

export class SecretBox {
  /** The id of the key new values are sealed with. */
  readonly keyId: string;
  private readonly keys = new Map<string, Buffer>();

  /** `current` seals and opens; `previous` keys only open (during a key rotation). Hex, 64 characters each. */
  constructor(current: string, previous: readonly string[] = []) {
    const key = parseKey(current);
    this.keyId = keyIdOf(key);
    this.keys.set(this.keyId, key);
    for (const hex of previous) {
      const old = parseKey(hex);
      const id = keyIdOf(old);
      if (!this.keys.has(id)) this.keys.set(id, old);
    }
  }

  seal(plain: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.keys.get(this.keyId)!, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [FORMAT, this.keyId, b64(iv), b64(body), b64(cipher.getAuthTag())].join('.');
  }

  open(sealed: string, context: string): string {
    const [format, keyId, iv, body, tag, extra] = sealed.split('.');
    if (format !== FORMAT || !keyId || iv === undefined || body === undefined || tag === undefined || extra !== undefined) throw new SealError(`not a sealed value (${context})`);
    const key = this.keys.get(keyId);
    if (!key) {
      throw new SealError(`${context} was sealed with key id ${keyId}, which is neither HANDOFF_ENCRYPTION_KEY (${this.keyId}) nor one of HANDOFF_ENCRYPTION_KEY_PREVIOUS`);
    }
    try {
      const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new SealError(`${context} does not open with key ${keyId}: altered, or stored under another row`);
    }
  }

  /** Whether `sealed` is under the current key (else `handoff rotate-key` seals it again). */
  isCurrent(sealed: string): boolean {
    return sealed.split('.', 2)[1] === this.keyId;
  }
}

function parseKey(hex: string): Buffer {
  if (!/^[0-9a-f]{64}$/i.test(hex)) throw new SealError('an encryption key must be 64 hexadecimal characters (32 random bytes: openssl rand -hex 32)');
  return Buffer.from(hex, 'hex');
}
