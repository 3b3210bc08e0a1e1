import { describe, expect, it } from 'vitest';
import QRCode from 'qrcode';
import { groupedSecret, qrDataUrl, QR_OPTIONS } from './qr';

describe('the enrolment QR code', () => {
  it('is the SVG of the otpauth URI as a data: URL (no canvas, no script)', async () => {
    const uri =
      'otpauth://totp/HKEX%20Client%20Connect:new%40bank.com.hk?secret=JBSWY3DPEHPK3PXP&issuer=HKEX%20Client%20Connect';
    const url = await qrDataUrl(uri);
    expect(url.startsWith('data:image/svg+xml;charset=utf-8,')).toBe(true);
    const svg = decodeURIComponent(url.slice(url.indexOf(',') + 1));
    expect(svg).toBe(await QRCode.toString(uri, QR_OPTIONS));
    expect(svg).toMatch(/^<svg /);
    expect(svg).not.toMatch(/<script/i);
    // Another URI draws another code.
    expect(await qrDataUrl(uri.replace('JBSW', 'KBSW'))).not.toBe(url);
  });

  it('shows the secret in groups of four for typing', () => {
    expect(groupedSecret('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP')).toBe('JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP');
    expect(groupedSecret('ABCDEF')).toBe('ABCD EF');
    expect(groupedSecret('ABCD')).toBe('ABCD');
  });
});
