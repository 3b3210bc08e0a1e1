import Handlebars from 'handlebars';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isLanguage, term } from '../i18n/glossary';
import { EmailData } from './events';
import { NOTIFICATION_EVENTS, NotificationEvent } from '../eservices/form-notices';

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

type Template = Handlebars.TemplateDelegate<EmailData & { body?: string; subject?: string }>;

interface OtpData {
  recipientName: string;
  code: string;
  validMinutes: number;
}

interface LocaleTemplates {
  otp: {
    subject: Handlebars.TemplateDelegate<OtpData>;
    html: Handlebars.TemplateDelegate<OtpData>;
    text: Handlebars.TemplateDelegate<OtpData>;
  };
  subject: Template;
  layout: { html: Template; text: Template };
  events: Record<NotificationEvent, { html: Template; text: Template }>;
}

/** The templates folder: `templates/` at the project root (also when running from dist/). */
export const TEMPLATES_DIR = resolve(__dirname, '..', '..', '..', 'templates', 'emails');
const templatesDir = (): string =>
  existsSync(TEMPLATES_DIR) ? TEMPLATES_DIR : resolve(__dirname, '..', '..', 'templates', 'emails');

/**
 * Renders the e-mails of SPEC §6 from handlebars templates: a shared layout and partials,
 * an HTML and a text part per event, one folder per language (`en`, `zh-HK`: SPEC §13, each
 * e-mail in its recipient's language). Terms come from the glossary (templates/glossary.json)
 * through the `t` helper: `{{t "referenceNumber"}}`. Each language is compiled once, on first use.
 */
export class EmailRenderer {
  private readonly locales = new Map<string, LocaleTemplates>();

  constructor(private readonly root: string = templatesDir()) {}

  render(event: NotificationEvent, data: EmailData, locale: string = data.language): RenderedEmail {
    const t = this.load(locale);
    const subject = t.subject(data).trim();
    const parts = t.events[event];
    return {
      subject,
      html: t.layout.html({ ...data, subject, body: parts.html(data) }),
      text: t.layout.text({ ...data, subject, body: parts.text(data) }),
    };
  }

  /** The e-mailed one-time password of a login (SPEC §7): its own short template, no workflow layout. */
  renderOtp(data: OtpData, locale = 'en'): RenderedEmail {
    const t = this.load(locale).otp;
    return { subject: t.subject(data).trim(), html: t.html(data), text: t.text(data) };
  }

  private load(locale: string): LocaleTemplates {
    const cached = this.locales.get(locale);
    if (cached) return cached;
    const dir = join(this.root, locale);
    if (!existsSync(dir)) throw new Error(`no e-mail templates for locale ${locale} in ${this.root}`);
    const read = (file: string): string => readFileSync(join(dir, file), 'utf8');
    // Two environments: HTML escapes what it inserts, text does not.
    const html = Handlebars.create();
    const text = Handlebars.create();
    if (isLanguage(locale))
      for (const env of [html, text]) env.registerHelper('t', (key: unknown) => term(String(key), locale));
    html.registerPartial('record', read('partials/record.html.hbs'));
    text.registerPartial('record', read('partials/record.text.hbs'));
    const compileHtml = (f: string): Template => html.compile(read(f), { strict: true });
    const compileText = (f: string): Template => text.compile(read(f), { noEscape: true, strict: true });
    const events = Object.fromEntries(
      NOTIFICATION_EVENTS.map((e) => [e, { html: compileHtml(`${e}.html.hbs`), text: compileText(`${e}.text.hbs`) }]),
    ) as LocaleTemplates['events'];
    const loaded: LocaleTemplates = {
      otp: {
        subject: text.compile(read('otp.subject.hbs'), { noEscape: true, strict: true }),
        html: html.compile(read('otp.html.hbs'), { strict: true }),
        text: text.compile(read('otp.text.hbs'), { noEscape: true, strict: true }),
      },
      subject: compileText('subject.hbs'),
      layout: { html: compileHtml('layouts/main.html.hbs'), text: compileText('layouts/main.text.hbs') },
      events,
    };
    this.locales.set(locale, loaded);
    return loaded;
  }
}
