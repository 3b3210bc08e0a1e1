import { SegmentedControl } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { updateMe } from '../api/sdk.gen';
import { LANGUAGE_NAMES, useLanguage, useT, type Language } from '../i18n/i18n';
import { getAccessToken } from '../session';

/** English / 繁體中文 on every page; a logged-in user's choice is remembered on the server (PATCH /me). */
export function LanguageSwitch() {
  const { language, setLanguage } = useLanguage();
  const queryClient = useQueryClient();
  const t = useT();
  return (
    <SegmentedControl
      size="xs"
      aria-label={t('nav.language')}
      value={language}
      data={(Object.keys(LANGUAGE_NAMES) as Language[]).map((l) => ({ value: l, label: LANGUAGE_NAMES[l] }))}
      onChange={(value) => {
        const next = value as Language;
        setLanguage(next);
        if (getAccessToken())
          void updateMe({ body: { language: next } }).then(() => queryClient.invalidateQueries({ queryKey: ['me'] }));
      }}
    />
  );
}
