/** Tokens at rest: AES-256-GCM with a key id, bound to where they are stored (src/secrets.ts). */
import { keyIdOf, SealError, SecretBox } from '../../src/secrets';

const KEY_A = 'a1'.repeat(32);
const KEY_B = '0f'.repeat(32);
const TOKEN = 'xoxb-1234-5678-abcdefghijklmnop';
const WHERE = 'installations.bot_token:T1';

describe('SecretBox', () => {
  it('seals a token into a value that names its key and holds no part of the token, and opens it again', () => {
    const box = new SecretBox(KEY_A);
    const sealed = box.seal(TOKEN, WHERE);
    expect(sealed).toMatch(new RegExp(`^hk1\\.${box.keyId}\\.[\\w-]+\\.[\\w-]+\\.[\\w-]+$`));
    expect(sealed).not.toContain('xoxb');
    expect(sealed).not.toContain(Buffer.from(TOKEN).toString('base64url').slice(4, 16));
    expect(box.open(sealed, WHERE)).toBe(TOKEN);
    // A fresh IV each time: the same token never seals to the same value.
    expect(box.seal(TOKEN, WHERE)).not.toBe(sealed);
  });

  it('derives the key id from the key (stable, 16 hex characters, not the key)', () => {
    expect(new SecretBox(KEY_A).keyId).toBe(keyIdOf(Buffer.from(KEY_A, 'hex')));
    expect(new SecretBox(KEY_A.toUpperCase()).keyId).toBe(new SecretBox(KEY_A).keyId);
    expect(new SecretBox(KEY_A).keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(new SecretBox(KEY_B).keyId).not.toBe(new SecretBox(KEY_A).keyId);
    expect(KEY_A).not.toContain(new SecretBox(KEY_A).keyId);
  });

  it('refuses a value moved to another row or column, or altered', () => {
    const box = new SecretBox(KEY_A);
    const sealed = box.seal(TOKEN, WHERE);
    expect(() => box.open(sealed, 'installations.bot_token:T2')).toThrow(SealError);
    expect(() => box.open(sealed, 'installations.bot_refresh_token:T1')).toThrow(SealError);
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0] = body[0]! ^ 1;
    expect(() => box.open([...parts.slice(0, 3), body.toString('base64url'), parts[4]].join('.'), WHERE)).toThrow(/altered/);
    expect(() => box.open('xoxb-not-sealed', WHERE)).toThrow(/not a sealed value/);
  });

  it('opens values sealed under a previous key, seals new ones under the current key only', () => {
    const old = new SecretBox(KEY_A).seal(TOKEN, WHERE);
    const rotating = new SecretBox(KEY_B, [KEY_A]);
    expect(rotating.open(old, WHERE)).toBe(TOKEN);
    expect(rotating.isCurrent(old)).toBe(false);
    const resealed = rotating.seal(TOKEN, WHERE);
    expect(rotating.isCurrent(resealed)).toBe(true);
    expect(new SecretBox(KEY_B).open(resealed, WHERE)).toBe(TOKEN);
  });

  it('says which key a value needs when it is not configured, without the value or any key', () => {
    const old = new SecretBox(KEY_A).seal(TOKEN, WHERE);
    let message = '';
    try {
      new SecretBox(KEY_B).open(old, WHERE);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain(new SecretBox(KEY_A).keyId);
    expect(message).toContain('HANDOFF_ENCRYPTION_KEY_PREVIOUS');
    for (const secret of [old, TOKEN, KEY_A, KEY_B]) expect(message).not.toContain(secret);
  });

  it('takes only 32-byte keys written as 64 hex characters', () => {
    expect(() => new SecretBox('abc')).toThrow(/64 hexadecimal characters/);
    expect(() => new SecretBox(KEY_A, ['zz'.repeat(32)])).toThrow(/openssl rand -hex 32/);
  });
});
