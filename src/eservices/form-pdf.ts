import PDFDocument from 'pdfkit';
import { formatHkt } from '../common/hkt';
import { HistoryEntry } from './dto/views';
import { FormView } from './form-view';

const STATUS_OF_ACTION: Record<string, string> = {
  create: 'Created',
  edit: 'Edited',
  submit: 'Submitted',
  reclaim: 'Reclaimed',
  claim: 'Claimed',
  release: 'Released',
  return: 'Returned',
  confirm: 'Confirmed (sent to HKEX)',
  complete: 'Completed',
  reject: 'Rejected',
  discard: 'Discarded',
  clone: 'Cloned',
};

/**
 * The PDF record of a completed or rejected form (SPEC §6): the form as the participant
 * filled it, its reference number, status and history, and for Add the assigned User IDs.
 * pdfkit: a maintained, pure-JavaScript PDF writer with the standard fonts built in.
 */
export function renderFormPdf(form: FormView, history: HistoryEntry[]): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `${form.referenceNumber} ${form.title}` } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));

  const heading = (text: string): void => {
    doc.moveDown(0.8).font('Helvetica-Bold').fontSize(12).text(text).font('Helvetica').fontSize(10).moveDown(0.2);
  };
  const field = (label: string, value: string | number | null | undefined): void => {
    doc
      .font('Helvetica-Bold')
      .text(`${label}: `, { continued: true })
      .font('Helvetica')
      .text(String(value ?? '-'));
  };

  doc
    .font('Helvetica-Bold')
    .fontSize(14)
    .text(`${form.formType === 'DA3' ? 'DA 3' : 'DA 4'} ${form.title.toUpperCase()}`);
  doc.font('Helvetica').fontSize(10).moveDown(0.5);
  field('Reference Number', form.referenceNumber);
  field('Status', form.statusLabel);
  field('Company', form.company);
  field('As', `${form.clearingHouse} Participant (${form.participantId})`);

  if (form.formType === 'DA3') {
    heading(`Maintenance Request: ${form.requestType ?? '-'}`);
    (form.lines ?? []).forEach((line, i) => {
      const parts = [
        line.userId && `User ID ${line.userId}`,
        line.surname && `Surname ${line.surname}`,
        line.otherNames && `Other Names ${line.otherNames}`,
        line.email && `E-mail ${line.email}`,
        line.daRole && `DA role ${line.daRole}`,
        line.assignedUserId && `Assigned User ID ${line.assignedUserId}`,
      ].filter(Boolean);
      doc.text(`${i + 1}. ${parts.join('   ')}`);
    });
  } else {
    heading('Additional User Accounts');
    field('Number of accounts', form.accounts);
    field('One-off fee', form.fee ? `${form.fee.currency} ${form.fee.amount.toLocaleString('en-HK')}` : '-');
  }

  heading('Remarks');
  doc.text(form.remarks || '-');
  heading('Declaration');
  doc.text(
    `${form.declarationAccepted ? '[X]' : '[ ]'} We declare that the information provided in this eService relating to us is complete, true and correct and that we have not made any statements or omissions which would render such information untrue or misleading.`,
  );
  heading('Contact Information');
  for (const c of form.contacts) doc.text(`${c.name}   ${c.email}   ${c.phone}`);
  if (form.rejectionReason) {
    heading('Rejection Reason');
    doc.text(form.rejectionReason);
  }
  heading('History');
  for (const h of history) {
    const line = `${formatHkt(new Date(h.at))}   ${STATUS_OF_ACTION[h.action] ?? h.action} by ${h.by.name}`;
    doc.text(h.message ? `${line}: ${h.message}` : line);
  }
  doc.end();
  return done;
}
