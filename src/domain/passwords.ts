import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const scrypt = (pw: string, salt: Buffer, len: number, opts: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCb(pw, salt, len, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );

/**
 * scrypt at the OWASP Password Storage Cheat Sheet's parameters (N=2^17, r=8, p=1: 128 MiB and about as much work as
 * the table's other rows). `maxmem` must allow 128·N·r bytes.
 */
export const SCRYPT_PARAMS = { N: 2 ** 17, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const options = (p: { N: number; r: number; p: number }): ScryptOptions => ({ ...p, maxmem: 256 * p.N * p.r });

/** The parameters of the first stored format `scrypt$<salt>$<hash>` (Node's defaults, below OWASP's). */
const LEGACY_PARAMS = { N: 2 ** 14, r: 8, p: 1 };

/** A staff password as stored: `scrypt$ln=17,r=8,p=1$<salt>$<hash>` (base64), 16-byte salt, 32-byte key. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const { N, r, p } = SCRYPT_PARAMS;
  const key = await scrypt(password, salt, KEY_LENGTH, options(SCRYPT_PARAMS));
  return `scrypt$ln=${Math.log2(N)},r=${r},p=${p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

function parse(
  stored: string,
): { params: { N: number; r: number; p: number }; salt: Buffer; hash: Buffer } | undefined {
  const parts = stored.split('$');
  if (parts[0] !== 'scrypt') return undefined;
  if (parts.length === 3)
    return { params: LEGACY_PARAMS, salt: Buffer.from(parts[1]!, 'base64'), hash: Buffer.from(parts[2]!, 'base64') };
  const m = /^ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})$/.exec(parts[1] ?? '');
  if (parts.length !== 4 || !m) return undefined;
  const params = { N: 2 ** Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  return { params, salt: Buffer.from(parts[2]!, 'base64'), hash: Buffer.from(parts[3]!, 'base64') };
}

/** Whether `password` matches a stored hash (constant-time comparison), in either stored format. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const s = parse(stored);
  if (!s || s.hash.length !== KEY_LENGTH) return false;
  const actual = await scrypt(password, s.salt, KEY_LENGTH, options(s.params));
  return timingSafeEqual(actual, s.hash);
}

/** A stored hash made with other parameters than today's: re-hashed at the next successful login. */
export function needsRehash(stored: string): boolean {
  const s = parse(stored);
  const { N, r, p } = SCRYPT_PARAMS;
  return !s || s.params.N !== N || s.params.r !== r || s.params.p !== p;
}

/**
 * The same work as checking a real password, for a user ID or terminal that does not exist: the answer takes as long
 * as a wrong password, so its timing does not tell which IDs exist. (A hash of nothing: scrypt runs with today's
 * parameters whatever the stored value is.)
 */
const DUMMY_HASH = `scrypt$ln=${Math.log2(SCRYPT_PARAMS.N)},r=${SCRYPT_PARAMS.r},p=${SCRYPT_PARAMS.p}$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(KEY_LENGTH).toString('base64')}`;
export async function verifyAgainstDummy(password: string): Promise<false> {
  await verifyPassword(password, DUMMY_HASH);
  return false;
}

/** The password policy (issue 14 item 7; seed 000 L2723: 「パスワードの適性のチェック」): at least this many characters. */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 200;

/**
 * What is wrong with a new password, in Japanese (empty = acceptable): at least 12 characters, at most 200, not the
 * user ID inside it, not one character repeated, and not the current password again.
 */
export function passwordProblems(password: string, o: { userId: string; current?: string }): string[] {
  const out: string[] = [];
  if ([...password].length < PASSWORD_MIN_LENGTH) out.push(`パスワードは${PASSWORD_MIN_LENGTH}文字以上にしてください`);
  if ([...password].length > PASSWORD_MAX_LENGTH) out.push(`パスワードは${PASSWORD_MAX_LENGTH}文字以内にしてください`);
  if (o.userId && password.toLowerCase().includes(o.userId.toLowerCase()))
    out.push('パスワードにユーザーIDを含めないでください');
  if (password.length > 0 && new Set(password).size === 1) out.push('同じ文字だけのパスワードは使えません');
  if (o.current !== undefined && password === o.current) out.push('現在のパスワードとは別のものにしてください');
  return out;
}

/** Letters and digits without the look-alikes (0/O, 1/l/I), for a one-time password read off the screen. */
const ONE_TIME_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';

/**
 * A one-time password (new user, reset): 16 characters from a 56-letter alphabet (about 93 bits), drawn without
 * modulo bias, shown once on screen; the user must change it at the next login.
 */
export function oneTimePassword(length = 16): string {
  let out = '';
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < 224 && out.length < length) out += ONE_TIME_ALPHABET[b % ONE_TIME_ALPHABET.length];
    }
  }
  return out;
}
