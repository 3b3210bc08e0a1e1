import { useState } from 'react';
import { Alert, Anchor, Center, Group, Paper, PasswordInput, Text, TextInput, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { changePassword, confirmPasswordReset, getMe, login, requestPasswordReset, verifyOtp } from '../api/sdk.gen';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { OtpChannelSetup } from '../components/OtpChannelSetup';
import { PasswordRules } from '../components/PasswordRules';
import { StepForm } from '../components/StepForm';
import { useStepRunner } from '../components/useStepRunner';
import { useLanguage, useT, type MessageId } from '../i18n/i18n';
import { safeRedirect, setAccessToken } from '../session';

const loginRoute = getRouteApi('/login');

type Step =
  | { kind: 'password' }
  | { kind: 'otp'; challengeId: string; channel: 'totp' | 'email' }
  | { kind: 'change'; token: string }
  | { kind: 'reset' }
  | { kind: 'resetConfirm'; challengeId: string }
  | { kind: 'channel'; token: string };

const HEADINGS: Record<Step['kind'], MessageId> = {
  password: 'login.heading',
  otp: 'login.heading',
  change: 'password.heading',
  reset: 'reset.heading',
  resetConfirm: 'reset.heading',
  channel: 'channel.heading',
};

/**
 * Login in the seeds' words: "User ID or e-mail", "Password", LOG IN; then "One-time
 * password" naming the channel. First-time set-up (information package, Appendix C): a
 * code e-mailed to the registered address and the new password twice, each rule of the
 * password policy ticking as it is typed; then, logged in with it, the OTP channel: an
 * authenticator app registered by QR code, or codes by e-mail. An expired password leads to
 * the change screen.
 */
export function LoginPage() {
  const t = useT();
  const { setLanguage } = useLanguage();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const search = loginRoute.useSearch();
  const { busy, error, setError, run } = useStepRunner();
  const [step, setStepState] = useState<Step>({ kind: 'password' });
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [otp, setOtp] = useState('');
  const [totp, setTotp] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [confirmPassword, setConfirmPassword] = useState('');
  const [info, setInfo] = useState<MessageId | null>(null);
  /** The password was just set up here: a login by e-mailed code goes on to choose the OTP channel. */
  const [settingUp, setSettingUp] = useState(false);

  const setStep = (next: Step) => {
    setError(null);
    setStepState(next);
  };
  const toLogin = (message: MessageId | null) => {
    setInfo(message);
    setPassword('');
    setOtp('');
    setTotp('');
    setNewPassword('');
    setConfirmPassword('');
    setStep({ kind: 'password' });
  };

  async function enter(token: string): Promise<void> {
    setAccessToken(token);
    const me = (await getMe()).data;
    queryClient.setQueryData(['me'], me);
    setLanguage(me.language);
    // Back to the page the session ended on; else the tasks (an administrator: the administration page).
    await navigate({
      href: search.redirect ? safeRedirect(search.redirect) : me.kind === 'admin' ? '/admin' : '/tasks',
    });
  }

  const afterToken = async (
    answer: { accessToken?: string; passwordChangeRequired?: boolean },
    channel: 'totp' | 'email',
  ): Promise<void> => {
    if (!answer.accessToken) return;
    if (answer.passwordChangeRequired) {
      setInfo('login.expired');
      setStep({ kind: 'change', token: answer.accessToken });
    } else if (settingUp && channel === 'email') {
      setAccessToken(answer.accessToken);
      setInfo(null);
      setStep({ kind: 'channel', token: answer.accessToken });
    } else await enter(answer.accessToken);
  };

  const submitPassword = () =>
    run(async () => {
      const answer = (await login({ body: { username: username.trim(), password } })).data;
      if ('otpRequired' in answer) {
        setOtp('');
        setStep({ kind: 'otp', challengeId: answer.challengeId, channel: answer.channel });
      } else await afterToken(answer, 'email');
    });

  const newPasswordFields = (
    <>
      <PasswordInput
        label={t('password.new')}
        autoComplete="new-password"
        required
        value={newPassword}
        onChange={(e) => setNewPassword(e.currentTarget.value)}
      />
      <PasswordInput
        label={t('password.confirm')}
        autoComplete="new-password"
        required
        value={confirmPassword}
        onChange={(e) => setConfirmPassword(e.currentTarget.value)}
      />
      <PasswordRules password={newPassword} confirmation={confirmPassword} />
    </>
  );

  return (
    <Center mih="100vh" bg="gray.0" p="md">
      <Paper component="main" withBorder shadow="sm" p="xl" w={step.kind === 'channel' ? 480 : 420} maw="100%">
        <Group justify="space-between" mb="md">
          <Text fw={700} c="hkex.8">
            {t('app.title')}
          </Text>
          <LanguageSwitch />
        </Group>
        <Title order={1} size="h3" mb="md">
          {t(HEADINGS[step.kind])}
        </Title>
        {info && (
          <Alert color="yellow" mb="md" role="status">
            {t(info)}
          </Alert>
        )}
        {error && (
          <Alert color="red" mb="md" role="alert" title={null}>
            {error}
          </Alert>
        )}
        {step.kind === 'password' && (
          <>
            <StepForm submit={t('login.submit')} busy={busy} onSubmit={() => void submitPassword()}>
              <TextInput
                label={t('login.username')}
                autoComplete="username"
                required
                value={username}
                onChange={(e) => setUsername(e.currentTarget.value)}
              />
              <PasswordInput
                label={t('login.password')}
                autoComplete="current-password"
                required
                value={password}
                onChange={(e) => setPassword(e.currentTarget.value)}
              />
            </StepForm>
            <Text size="sm" mt="md">
              {t('login.firstTime')}{' '}
              <Anchor
                component="button"
                type="button"
                size="sm"
                onClick={() => {
                  setInfo(null);
                  setStep({ kind: 'reset' });
                }}
              >
                {t('login.forgot')}
              </Anchor>
            </Text>
          </>
        )}
        {step.kind === 'otp' && (
          <StepForm
            submit={t('login.otp.submit')}
            busy={busy}
            back={{ label: t('login.back'), onClick: () => setStep({ kind: 'password' }) }}
            onSubmit={() =>
              void run(async () => {
                const answer = (await verifyOtp({ body: { challengeId: step.challengeId, otp: otp.trim() } })).data;
                await afterToken(answer, step.channel);
              })
            }
          >
            <Text size="sm">{t(step.channel === 'totp' ? 'login.otp.totp' : 'login.otp.email')}</Text>
            <TextInput
              label={t('login.otp')}
              autoComplete="one-time-code"
              inputMode="numeric"
              required
              autoFocus
              value={otp}
              onChange={(e) => setOtp(e.currentTarget.value)}
            />
          </StepForm>
        )}
        {step.kind === 'change' && (
          <StepForm
            submit={t('password.submit')}
            busy={busy}
            onSubmit={() =>
              void run(async () => {
                setAccessToken(step.token);
                await changePassword({ body: { currentPassword: password, newPassword, confirmPassword } });
                setAccessToken(null);
                toLogin('password.changed');
              })
            }
          >
            <PasswordInput
              label={t('password.current')}
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
            {newPasswordFields}
          </StepForm>
        )}
        {step.kind === 'reset' && (
          <StepForm
            submit={t('reset.submit')}
            busy={busy}
            back={{ label: t('login.back'), onClick: () => setStep({ kind: 'password' }) }}
            onSubmit={() =>
              void run(async () => {
                const answer = (await requestPasswordReset({ body: { username: username.trim() } })).data;
                setOtp('');
                setTotp('');
                setNewPassword('');
                setConfirmPassword('');
                setStep({ kind: 'resetConfirm', challengeId: answer.challengeId });
              })
            }
          >
            <Text size="sm">{t('reset.intro')}</Text>
            <TextInput
              label={t('login.username')}
              autoComplete="username"
              required
              value={username}
              onChange={(e) => setUsername(e.currentTarget.value)}
            />
          </StepForm>
        )}
        {step.kind === 'resetConfirm' && (
          <StepForm
            submit={t('reset.confirm')}
            busy={busy}
            back={{ label: t('login.back'), onClick: () => setStep({ kind: 'reset' }) }}
            onSubmit={() =>
              void run(async () => {
                await confirmPasswordReset({
                  body: {
                    challengeId: step.challengeId,
                    emailOtp: otp.trim(),
                    ...(totp.trim() ? { totp: totp.trim() } : {}),
                    newPassword,
                    confirmPassword,
                  },
                });
                setSettingUp(true);
                toLogin('reset.done');
              })
            }
          >
            <Text size="sm">{t('reset.sent')}</Text>
            <TextInput
              label={t('reset.emailOtp')}
              autoComplete="one-time-code"
              inputMode="numeric"
              required
              autoFocus
              value={otp}
              onChange={(e) => setOtp(e.currentTarget.value)}
            />
            <TextInput
              label={t('reset.totp')}
              description={t('reset.totp.hint')}
              autoComplete="off"
              inputMode="numeric"
              value={totp}
              onChange={(e) => setTotp(e.currentTarget.value)}
            />
            {newPasswordFields}
          </StepForm>
        )}
        {step.kind === 'channel' && <OtpChannelSetup mode="setup" onDone={() => void run(() => enter(step.token))} />}
        <Text size="xs" c="dimmed" mt="lg">
          {t('login.notice')}
        </Text>
      </Paper>
    </Center>
  );
}
