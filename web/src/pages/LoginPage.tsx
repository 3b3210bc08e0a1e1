import { useState, type FormEvent } from 'react';
import { Alert, Button, Center, Group, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { changePassword, login, verifyOtp, getMe } from '../api/sdk.gen';
import { ApiProblem } from '../api-client';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { useLanguage, useT, type MessageId } from '../i18n/i18n';
import { loginRoute } from '../router';
import { safeRedirect, setAccessToken } from '../session';

type Step =
  | { kind: 'password' }
  | { kind: 'otp'; challengeId: string; channel: 'totp' | 'email' }
  | { kind: 'change'; token: string };

/** Login in the seeds' words: "User ID or e-mail", "Password", LOG IN; then "One-time password" naming the channel. */
export function LoginPage() {
  const t = useT();
  const { setLanguage } = useLanguage();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const search = loginRoute.useSearch();
  const [step, setStep] = useState<Step>({ kind: 'password' });
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [otp, setOtp] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [confirmPassword, setConfirmPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [info, setInfo] = useState<MessageId | null>(null);
  const [busy, setBusy] = useState(false);

  const problemText = (e: unknown): string => {
    if (e instanceof ApiProblem) {
      if (e.code === 'ACCOUNT_LOCKED') return t('login.locked');
      if (e.problem.errors?.length) return e.problem.errors.map((x) => x.message).join(' ');
      return e.message;
    }
    return t('error.generic', { detail: String(e) });
  };

  async function enter(token: string): Promise<void> {
    setAccessToken(token);
    const me = (await getMe()).data;
    queryClient.setQueryData(['me'], me);
    setLanguage(me.language);
    await navigate({ href: safeRedirect(search.redirect) });
  }

  async function run(action: () => Promise<void>, e: FormEvent): Promise<void> {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(problemText(err));
    } finally {
      setBusy(false);
    }
  }

  const afterToken = async (answer: { accessToken?: string; passwordChangeRequired?: boolean }): Promise<void> => {
    if (!answer.accessToken) return;
    if (answer.passwordChangeRequired) {
      setInfo('login.expired');
      setStep({ kind: 'change', token: answer.accessToken });
      return;
    }
    await enter(answer.accessToken);
  };

  const submitPassword = (e: FormEvent) =>
    run(async () => {
      const answer = (await login({ body: { username: username.trim(), password } })).data;
      if ('otpRequired' in answer) {
        setStep({ kind: 'otp', challengeId: answer.challengeId, channel: answer.channel });
        setOtp('');
      } else await afterToken(answer);
    }, e);

  return (
    <Center mih="100vh" bg="gray.0" p="md">
      <Paper component="main" withBorder shadow="sm" p="xl" w={420} maw="100%">
        <Group justify="space-between" mb="md">
          <Text fw={700} c="hkex.8">
            {t('app.title')}
          </Text>
          <LanguageSwitch />
        </Group>
        <Title order={1} size="h3" mb="md">
          {t('login.heading')}
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
          <form onSubmit={(e) => void submitPassword(e)}>
            <Stack>
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
              <Button type="submit" loading={busy}>
                {t('login.submit')}
              </Button>
            </Stack>
          </form>
        )}
        {step.kind === 'otp' && (
          <form
            onSubmit={(e) =>
              void run(async () => {
                const answer = (await verifyOtp({ body: { challengeId: step.challengeId, otp: otp.trim() } }))
                  .data;
                await afterToken(answer);
              }, e)
            }
          >
            <Stack>
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
              <Group justify="space-between">
                <Button variant="subtle" onClick={() => setStep({ kind: 'password' })}>
                  {t('login.back')}
                </Button>
                <Button type="submit" loading={busy}>
                  {t('login.otp.submit')}
                </Button>
              </Group>
            </Stack>
          </form>
        )}
        {step.kind === 'change' && (
          <form
            onSubmit={(e) =>
              void run(async () => {
                setAccessToken(step.token);
                await changePassword({
                  body: { currentPassword: password, newPassword, confirmPassword },
                });
                setAccessToken(null);
                setInfo('password.changed');
                setPassword('');
                setStep({ kind: 'password' });
              }, e)
            }
          >
            <Stack>
              <PasswordInput
                label={t('password.current')}
                autoComplete="current-password"
                required
                value={password}
                onChange={(e) => setPassword(e.currentTarget.value)}
              />
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
              <Button type="submit" loading={busy}>
                {t('password.submit')}
              </Button>
            </Stack>
          </form>
        )}
        <Text size="xs" c="dimmed" mt="lg">
          {t('login.notice')}
        </Text>
      </Paper>
    </Center>
  );
}
