import { useState } from 'react';
import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { confirmTotpEnrolment, setOtpChannel, startTotpEnrolment } from '../api/sdk.gen';
import { useT } from '../i18n/i18n';
import { TotpEnrolment, type Enrolment } from './TotpEnrolment';
import { useStepRunner } from './useStepRunner';

type Stage = { kind: 'choose' } | { kind: 'enrol'; enrolment: Enrolment } | { kind: 'email' };

/**
 * "Set up OTP Channel" (information package, Appendix C, steps h–s; Appendix D d for a
 * change later): REGISTER DEVICE shows a new authenticator secret as a QR code and takes
 * the app's first code; SKIP THIS STEP warns that e-mailed codes rule out the self-service
 * password reset, and on ACCEPT codes go by e-mail. For the logged-in user.
 */
export function OtpChannelSetup(props: {
  /** At first-time set-up the seeds' SKIP THIS STEP; in the settings, a change to e-mail. */
  mode: 'setup' | 'settings';
  onDone: (channel: 'totp' | 'email') => void;
}) {
  const t = useT();
  const { busy, error, run } = useStepRunner();
  const [stage, setStage] = useState<Stage>({ kind: 'choose' });
  const back = { label: t('login.back'), onClick: () => setStage({ kind: 'choose' }) };

  return (
    <Stack>
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
      {stage.kind === 'choose' && (
        <>
          <Text size="sm">{t('channel.intro')}</Text>
          <Group grow>
            <Button
              loading={busy}
              onClick={() =>
                void run(async () => {
                  const enrolment = (await startTotpEnrolment()).data;
                  setStage({ kind: 'enrol', enrolment });
                })
              }
            >
              {t('channel.register')}
            </Button>
            <Button variant="default" onClick={() => setStage({ kind: 'email' })}>
              {t(props.mode === 'setup' ? 'channel.skip' : 'channel.useEmail')}
            </Button>
          </Group>
        </>
      )}
      {stage.kind === 'enrol' && (
        <TotpEnrolment
          enrolment={stage.enrolment}
          busy={busy}
          back={back}
          onConfirm={(otp) =>
            void run(async () => {
              await confirmTotpEnrolment({ body: { otp } });
              props.onDone('totp');
            })
          }
        />
      )}
      {stage.kind === 'email' && (
        <>
          {/* Without Mantine's yellow title, whose colour is too light on its background (WCAG AA). */}
          <Alert color="yellow">
            <Text fw={700} size="sm">
              {t('channel.email.title')}
            </Text>
            <Text size="sm">{t('channel.email.warning')}</Text>
          </Alert>
          <Group justify="space-between">
            <Button variant="subtle" onClick={back.onClick}>
              {back.label}
            </Button>
            <Button
              loading={busy}
              onClick={() =>
                void run(async () => {
                  await setOtpChannel({ body: { channel: 'email' } });
                  props.onDone('email');
                })
              }
            >
              {t('channel.accept')}
            </Button>
          </Group>
        </>
      )}
    </Stack>
  );
}
