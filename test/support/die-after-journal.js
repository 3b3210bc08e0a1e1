/**
 * Loaded with `--require` into a worker process by the fault tests: the process kills
 * itself (SIGKILL) right after the first e-mail's acceptance is in the mail journal (Redis), that
 * is after the mail server's 250 and before the database records the delivery as SENT.
 */
const { join } = require('node:path');
const { SentJournal } = require(join(__dirname, '..', '..', 'dist', 'src', 'notifications', 'sent-journal.js'));

const record = SentJournal.prototype.record;
SentJournal.prototype.record = async function (deliveryId, messageId) {
  await record.call(this, deliveryId, messageId);
  process.stdout.write(`journaled ${messageId}; dying\n`);
  process.kill(process.pid, 'SIGKILL');
};
