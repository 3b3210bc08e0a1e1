/**
 * Free-mail domains: accepted on a form, with a warning, since SPEC §4 recommends a
 * corporate domain but does not require one.
 */
const FREE_MAIL_DOMAINS = new Set([
  'gmail.com',
  'googlemail.com',
  'yahoo.com',
  'yahoo.com.hk',
  'hotmail.com',
  'hotmail.com.hk',
  'outlook.com',
  'live.com',
  'msn.com',
  'icloud.com',
  'me.com',
  'aol.com',
  'gmx.com',
  'mail.com',
  'proton.me',
  'protonmail.com',
  'qq.com',
  '163.com',
  '126.com',
  'sina.com',
  'netvigator.com',
  'yandex.com',
]);

export const isFreeMail = (email: string): boolean =>
  FREE_MAIL_DOMAINS.has(email.slice(email.lastIndexOf('@') + 1).toLowerCase());
