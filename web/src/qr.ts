import QRCode from 'qrcode';

/** How the console draws an otpauth:// URI: medium error correction, a quiet zone of 2 modules. */
export const QR_OPTIONS = { type: 'svg', errorCorrectionLevel: 'M', margin: 2, width: 200 } as const;

/**
 * The QR code of a text as an SVG data: URL for an <img> (the console's CSP allows data:
 * images and no inline script; nothing is drawn with a canvas).
 */
export async function qrDataUrl(text: string): Promise<string> {
  const svg = await QRCode.toString(text, QR_OPTIONS);
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

/** The secret as an app asks for it when typed in: groups of four, easier to read aloud. */
export const groupedSecret = (secret: string): string => secret.replace(/(.{4})(?=.)/g, '$1 ');
