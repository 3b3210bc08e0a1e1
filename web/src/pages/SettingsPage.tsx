import { useState } from 'react';
import { Alert, Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { OtpChannelSetup } from '../components/OtpChannelSetup';
import { useT } from '../i18n/i18n';
import { meQuery } from '../queries';

/**
 * AUTHENTICATION SETTINGS (information package, Appendix D d): the logged-in user registers
 * another authenticator app (a new QR code; the old app stops working once the new one's
 * first code is accepted), or turns to codes by e-mail.
 */
export function SettingsPage() {
  const t = useT();
  const queryClient = useQueryClient();
  const me = useQuery(meQuery);
  const [done, setDone] = useState<'totp' | 'email' | null>(null);
  // A new choice starts the set-up afresh.
  const [round, setRound] = useState(0);
  const channel = me.data?.otpChannel;

  return (
    <Stack maw={520}>
      <Title order={1} size="h2">
        {t('settings.heading')}
      </Title>
      {channel && (
        <Text data-testid="otp-channel">{t('settings.channel', { channel: t(`settings.channel.${channel}`) })}</Text>
      )}
      {done && (
        <Alert color="green" role="status">
          {t(`settings.done.${done}`)}
        </Alert>
      )}
      <Paper withBorder p="lg">
        <OtpChannelSetup
          key={round}
          mode="settings"
          onDone={(next) => {
            setDone(next);
            setRound((r) => r + 1);
            void queryClient.invalidateQueries({ queryKey: ['me'] });
          }}
        />
      </Paper>
    </Stack>
  );
}
