import { spawn } from 'node:child_process';
import { join } from 'node:path';

/**
 * The text of a PDF as a reader extracts it, page by page: pdf.js (pdfjs-dist), the PDF
 * engine of Firefox, run in a child process (pdf-text.mjs) since it ships ES modules only.
 */
export async function pdfText(pdf: Buffer): Promise<string[]> {
  const child = spawn(process.execPath, [join(__dirname, 'pdf-text.mjs')], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  child.stdin.end(pdf);
  const code = await exited;
  if (code !== 0) throw new Error(`pdf.js could not read the PDF (exit ${code}): ${Buffer.concat(err).toString()}`);
  return (JSON.parse(Buffer.concat(out).toString('utf8')) as { pages: string[] }).pages;
}

/** The names of the fonts a PDF embeds: its font descriptors that carry a font file (subset prefix dropped). */
export function embeddedFonts(pdf: Buffer): string[] {
  const names = new Set<string>();
  for (const [dict] of pdf.toString('latin1').matchAll(/<<[^<>]*\/Type\s*\/FontDescriptor[^<>]*>>/g)) {
    const name = /\/FontName\s*\/([^\s/>]+)/.exec(dict)?.[1];
    if (name && /\/FontFile[23]?\s/.test(dict)) names.add(name.replace(/^[A-Z]{6}\+/, ''));
  }
  return [...names].sort();
}
