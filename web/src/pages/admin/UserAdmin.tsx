import { useState, type FormEvent } from 'react';
import { Button, Group, Paper, Stack, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { resetUserOtp, unlockUser } from '../../api/sdk.gen';
import { ApiProblem } from '../../api-client';
import { useT } from '../../i18n/i18n';
import { Outcome } from './outcome';

/** Administrators: unlock a login locked after failed attempts; reset a user's authenticator registration. */
export function UserAdmin() {
  const t = useT();
  const [username, setUsername] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const act = useMutation({
    mutationFn: async (what: 'unlock' | 'otp-reset') => {
      const path = { username: username.trim() };
      if (what === 'unlock') await unlockUser({ path });
      else await resetUserOtp({ path });
      return what;
    },
    onSuccess: (what) =>
      setDone(t(what === 'unlock' ? 'admin.users.unlocked' : 'admin.users.otpReset', { username: username.trim() })),
  });
  const press = (what: 'unlock' | 'otp-reset'): void => {
    setDone(null);
    act.mutate(what);
  };
  return (
    <Stack maw={640}>
      <Paper withBorder p="md" component="form" onSubmit={(e: FormEvent) => e.preventDefault()}>
        <Stack>
          <TextInput
            label={t('admin.users.username')}
            description={t('admin.users.about')}
            required
            value={username}
            onChange={(e) => setUsername(e.currentTarget.value)}
          />
          <Group>
            <Button
              disabled={!username.trim()}
              loading={act.isPending && act.variables === 'unlock'}
              onClick={() => press('unlock')}
            >
              {t('admin.users.unlock')}
            </Button>
            <Button
              variant="outline"
              disabled={!username.trim()}
              loading={act.isPending && act.variables === 'otp-reset'}
              onClick={() => press('otp-reset')}
            >
              {t('admin.users.resetOtp')}
            </Button>
          </Group>
        </Stack>
      </Paper>
      <Outcome
        ok={done}
        error={act.error instanceof ApiProblem && act.error.status === 404 ? t('admin.users.unknown') : act.error}
      />
    </Stack>
  );
}
