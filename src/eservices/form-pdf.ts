import { Logger } from '@nestjs/common';
import { existsSync, readFileSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import { formatTime, formTitle, hasTerm, Language, statusLabel, term } from '../i18n/glossary';
import { HistoryEntry } from './dto/views';
import { FormView } from './form-view';
import { HKEX_AS_SHOWN } from './display-names';

/**
 * A font with the Chinese characters, embedded (as the subset a record uses) in Chinese
 * records: Noto Sans CJK of Debian's `fonts-noto-cjk`, which scripts/setup.sh installs. Its
 * files are TrueType collections; pdfkit takes one face of a collection by its PostScript name.
 */
export const CJK_FONT_FILES = [
  {
    regular: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
    bold: '/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc',
    regularName: 'NotoSansCJKtc-Regular',
    boldName: 'NotoSansCJKtc-Bold',
  },
];

interface Fonts {
  regular: string | Buffer;
  bold: string | Buffer;
  regularName?: string;
  boldName?: string;
}

const STANDARD: Fonts = { regular: 'Helvetica', bold: 'Helvetica-Bold' };

let cjk: Fonts | null | undefined;
/** The Chinese font, read once (null when the machine has none). */
function cjkFonts(): Fonts | null {
  if (cjk !== undefined) return cjk;
  const found = CJK_FONT_FILES.find((f) => existsSync(f.regular) && existsSync(f.bold));
  cjk = found ? { ...found, regular: readFileSync(found.regular), bold: readFileSync(found.bold) } : null;
  if (!cjk)
    new Logger('PdfRecord').warn(
      `no font with Chinese characters (${CJK_FONT_FILES.map((f) => f.regular).join(', ')}): ` +
        'Chinese PDF records are written in English until fonts-noto-cjk is installed (scripts/setup.sh)',
    );
  return cjk;
}

/** The language a record can be written in on this machine: Chinese needs the font. */
export const pdfLanguage = (wanted: Language): Language => (wanted === 'zh-HK' && cjkFonts() ? 'zh-HK' : 'en');

/**
 * The PDF record of a completed or rejected form (SPEC §6), in the language of whoever
 * downloads it (SPEC §13): the form as the participant filled it, its reference number,
 * status and history, and for Add the assigned User IDs. Every label comes from the
 * glossary (templates/glossary.json). pdfkit: a maintained, pure-JavaScript PDF writer.
 */
export function renderFormPdf(form: FormView, history: HistoryEntry[], wanted: Language = 'en'): Promise<Buffer> {
  const language = pdfLanguage(wanted);
  const t = (key: string, values?: Record<string, string | number>): string => term(key, language, values);
  const title = formTitle(form.formType, language);
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    lang: language,
    info: { Title: `${form.referenceNumber} ${title}` },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));

  // The standard fonts know Latin-1 only: a record with other characters (a Chinese name typed
  // into the form) takes the Chinese font in English too, when the machine has it.
  const latinOnly = !/[\u0100-\uffff]/.test(JSON.stringify([form, history]));
  const fonts = (language === 'en' && latinOnly ? null : cjkFonts()) ?? STANDARD;
  doc.registerFont('body', fonts.regular, fonts.regularName);
  doc.registerFont('bold', fonts.bold, fonts.boldName);
  // Chinese labels end with a colon of the full width.
  const colon = language === 'en' ? ': ' : '：';

  const heading = (text: string): void => {
    doc.moveDown(0.8).font('bold').fontSize(12).text(text).font('body').fontSize(10).moveDown(0.2);
  };
  const field = (label: string, value: string | number | null | undefined): void => {
    doc
      .font('bold')
      .text(`${label}${colon}`, { continued: true })
      .font('body')
      .text(String(value ?? '-'));
  };
  const person = (by: { id: string; name: string }): string => (by.id === HKEX_AS_SHOWN.id ? t('hkex') : by.name);

  doc
    .font('bold')
    .fontSize(14)
    .text(`${form.formType === 'DA3' ? 'DA 3' : 'DA 4'} ${language === 'en' ? title.toUpperCase() : title}`);
  doc.font('body').fontSize(10).moveDown(0.5);
  field(t('referenceNumber'), form.referenceNumber);
  field(t('pdf.status'), statusLabel(form.status, language));
  field(t('pdf.company'), form.company);
  field(t('pdf.as'), t('pdf.participantOf', { clearingHouse: form.clearingHouse, participantId: form.participantId }));

  if (form.formType === 'DA3') {
    heading(`${t('pdf.maintenanceRequest')}${colon}${form.requestType ? t(`reqType.${form.requestType}`) : '-'}`);
    (form.lines ?? []).forEach((line, i) => {
      const parts = [
        line.userId && `${t('pdf.userId')} ${line.userId}`,
        line.surname && `${t('pdf.surname')} ${line.surname}`,
        line.otherNames && `${t('pdf.otherNames')} ${line.otherNames}`,
        line.email && `${t('pdf.email')} ${line.email}`,
        line.daRole && `${t('pdf.daRole')} ${t(line.daRole)}`,
        line.assignedUserId && `${t('pdf.assignedUserId')} ${line.assignedUserId}`,
      ].filter(Boolean);
      doc.text(`${i + 1}. ${parts.join('   ')}`);
    });
  } else {
    heading(t('pdf.additionalAccounts'));
    field(t('pdf.accounts'), form.accounts);
    field(t('pdf.fee'), form.fee ? `${form.fee.currency} ${form.fee.amount.toLocaleString('en-HK')}` : '-');
  }

  heading(t('pdf.remarks'));
  doc.text(form.remarks || '-');
  heading(t('pdf.declarationHeading'));
  doc.text(`${form.declarationAccepted ? '[X]' : '[ ]'} ${t('pdf.declaration')}`);
  heading(t('pdf.contacts'));
  for (const c of form.contacts) doc.text(`${c.name}   ${c.email}   ${c.phone}`);
  if (form.rejectionReason) {
    heading(t('pdf.rejectionReason'));
    doc.text(form.rejectionReason);
  }
  heading(t('pdf.history'));
  for (const h of history) {
    const action = hasTerm(`history.${h.action}`) ? t(`history.${h.action}`) : h.action;
    const by = language === 'en' ? `${action} by ${person(h.by)}` : `${action}（${t('pdf.by')}${person(h.by)}）`;
    const line = `${formatTime(new Date(h.at), language)}   ${by}`;
    doc.text(h.message ? `${line}${colon}${h.message}` : line);
  }
  doc.end();
  return done;
}
