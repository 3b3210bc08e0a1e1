import { useEffect, useState } from 'react';
import { Box, Code, Group, Image, Stack, Text, TextInput } from '@mantine/core';
import { useT } from '../i18n/i18n';
import { groupedSecret, qrDataUrl } from '../qr';
import { StepForm } from './StepForm';

export interface Enrolment {
  otpauthUri: string;
  secret: string;
}

/**
 * Registering an authenticator app (information package, Appendix C, steps i–m): the
 * otpauth:// URI drawn as a QR code to scan, the secret as text for those who type it in,
 * and the app's first code, which confirms it.
 */
export function TotpEnrolment(props: {
  enrolment: Enrolment;
  busy: boolean;
  onConfirm: (code: string) => void;
  back: { label: string; onClick: () => void };
}) {
  const t = useT();
  const [qr, setQr] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const { otpauthUri, secret } = props.enrolment;
  useEffect(() => {
    let current = true;
    void qrDataUrl(otpauthUri).then((url) => current && setQr(url));
    return () => {
      current = false;
    };
  }, [otpauthUri]);

  return (
    <StepForm
      submit={t('enrol.submit')}
      busy={props.busy}
      onSubmit={() => props.onConfirm(code.trim())}
      back={props.back}
    >
      <Text size="sm">{t('enrol.scan')}</Text>
      <Group justify="center">
        <Box w={200} h={200}>
          {qr && <Image src={qr} w={200} h={200} alt={t('enrol.qr')} data-testid="totp-qr" />}
        </Box>
      </Group>
      <Stack gap={4}>
        <Text size="sm">{t('enrol.typeIn')}</Text>
        <Code fz="md" ta="center" data-testid="totp-secret">
          {groupedSecret(secret)}
        </Code>
      </Stack>
      <TextInput
        label={t('enrol.code')}
        autoComplete="one-time-code"
        inputMode="numeric"
        required
        value={code}
        onChange={(e) => setCode(e.currentTarget.value)}
      />
    </StepForm>
  );
}
