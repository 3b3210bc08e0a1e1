/** The languages of the console and the e-mails: English and Traditional Chinese (Hong Kong). */
export const USER_LANGUAGES = ['en', 'zh-HK'] as const;
export type UserLanguage = (typeof USER_LANGUAGES)[number];
