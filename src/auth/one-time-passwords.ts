import { createHmac, timingSafeEqual } from 'node:crypto';
import { generate, generateSecret, generateURI, verify } from 'otplib';

/**
 * TOTP (RFC 6238: 30 s steps, 6 digits, SHA-1, as authenticator apps expect) with otplib,
 * one step of drift either way, and never the same step twice (`afterStep`).
 * Returns the accepted time step, or null.
 */
export async function checkTotp(
  secret: string,
  token: string,
  now: Date,
  afterStep: number | null,
): Promise<number | null> {
  if (!/^\d{6}$/.test(token)) return null;
  try {
    const result = await verify({
      secret,
      token,
      epoch: Math.floor(now.getTime() / 1000),
      epochTolerance: 30,
      ...(afterStep !== null ? { afterTimeStep: afterStep } : {}),
    });
    return result.valid ? ((result as { timeStep?: number }).timeStep ?? null) : null;
  } catch {
    return null;
  }
}

/** The current code of a secret (demo and tests: what an authenticator app would show). */
export const totpNow = (secret: string, now: Date): Promise<string> =>
  generate({ secret, epoch: Math.floor(now.getTime() / 1000) });

export const newTotpSecret = (): string => generateSecret();

export const otpauthUri = (secret: string, username: string): string =>
  generateURI({ issuer: 'HKEX Client Connect', label: username, secret });

/**
 * An e-mailed OTP is derived from the challenge id with the server's secret (HMAC), so it
 * is stored nowhere: not in the database, the outbox or a log. Six digits.
 */
export function emailOtpFor(serverSecret: string, challengeId: string): string {
  const mac = createHmac('sha256', serverSecret).update(`email-otp:${challengeId}`).digest();
  return String(mac.readUInt32BE(0) % 1_000_000).padStart(6, '0');
}

export function emailOtpMatches(serverSecret: string, challengeId: string, otp: string): boolean {
  const expected = Buffer.from(emailOtpFor(serverSecret, challengeId));
  const given = Buffer.from(otp.padEnd(6).slice(0, 6));
  return /^\d{6}$/.test(otp) && timingSafeEqual(expected, given);
}
