import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { IntlProvider, useIntl } from 'react-intl';
import en from './en.json';
import zhHK from './zh-HK.json';

export type Language = 'en' | 'zh-HK';
export type MessageId = keyof typeof en;

export const MESSAGES: Record<Language, Record<MessageId, string>> = { en, 'zh-HK': zhHK };
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', 'zh-HK': '繁體中文' };

/** Before login the browser's last choice (not a secret: a preference); after login the user's own (`language` on /me). */
const STORED = 'console.language';

function initialLanguage(): Language {
  try {
    const stored = localStorage.getItem(STORED);
    if (stored === 'en' || stored === 'zh-HK') return stored;
  } catch {
    /* storage unavailable: English */
  }
  return 'en';
}

interface LanguageState {
  language: Language;
  setLanguage: (language: Language) => void;
}

const LanguageContext = createContext<LanguageState>({ language: 'en', setLanguage: () => undefined });

export function LanguageProvider({ children }: { children: ReactNode }) {
  const [language, setState] = useState<Language>(initialLanguage);
  const setLanguage = useCallback((next: Language) => {
    setState(next);
    document.documentElement.lang = next;
    try {
      localStorage.setItem(STORED, next);
    } catch {
      /* ignore */
    }
  }, []);
  const value = useMemo(() => ({ language, setLanguage }), [language, setLanguage]);
  document.documentElement.lang = language;
  return (
    <LanguageContext.Provider value={value}>
      <IntlProvider locale={language} messages={MESSAGES[language]} defaultLocale="en">
        {children}
      </IntlProvider>
    </LanguageContext.Provider>
  );
}

export const useLanguage = (): LanguageState => useContext(LanguageContext);

/** The translation of a message id of en.json, typed. */
export function useT(): (id: MessageId, values?: Record<string, string | number>) => string {
  const intl = useIntl();
  return useCallback((id, values) => intl.formatMessage({ id }, values), [intl]);
}
