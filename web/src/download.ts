/**
 * Files the API answers to a bearer token (the CSV exports, the PDF record): a plain link
 * cannot send the token, so the page fetches the file through the generated client and hands
 * the browser a link to the blob, with the file name the service gave it.
 */

/** `attachment; filename="audit-2026-11-01-2026-11-30.csv"` → the name; the fallback otherwise. */
export function fileNameOf(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch {
      /* a malformed name: the plain one or the fallback */
    }
  }
  return /filename="?([^";]+)"?/i.exec(disposition)?.[1]?.trim() || fallback;
}

/** Saves what a generated-client call answered (called with `parseAs: 'blob'`) as a file. */
export async function saveDownload(
  call: Promise<{ data: unknown; response: Response }>,
  fallbackName: string,
): Promise<string> {
  const { data, response } = await call;
  const name = fileNameOf(response.headers.get('content-disposition'), fallbackName);
  const url = URL.createObjectURL(data as Blob);
  try {
    const link = document.createElement('a');
    link.href = url;
    link.download = name;
    document.body.append(link);
    link.click();
    link.remove();
  } finally {
    // The click has handed the blob to the browser's download; the URL can go after this task.
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }
  return name;
}
