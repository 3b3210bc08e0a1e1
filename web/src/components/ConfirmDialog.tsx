import { useState } from 'react';
import { Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { dialogInput, type Action } from '../form-actions';
import { useT, type MessageId } from '../i18n/i18n';

/** The seeds' "PLEASE CONFIRM TO PROCEED" with a message to the next step's user (required to RETURN, a reason to REJECT). */
export function ConfirmDialog(props: {
  action: Action | null;
  busy: boolean;
  onCancel: () => void;
  onConfirm: (text: string) => void;
}) {
  const t = useT();
  const [text, setText] = useState('');
  const [tried, setTried] = useState(false);
  const { action } = props;
  const input = action ? dialogInput(action) : 'message';
  const required = input !== 'message';
  const label: MessageId =
    input === 'reason'
      ? 'dialog.reason'
      : input === 'releaseReason'
        ? 'dialog.releaseReason'
        : input === 'requiredMessage'
          ? 'dialog.messageRequired'
          : 'dialog.message';
  const missing = required && !text.trim();
  const close = () => {
    setText('');
    setTried(false);
    props.onCancel();
  };
  return (
    <Modal opened={action !== null} onClose={close} title={t('dialog.title')} centered>
      {action && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setTried(true);
            if (missing) return;
            props.onConfirm(text);
            setText('');
            setTried(false);
          }}
        >
          <Stack>
            <Text>{t(`dialog.${action}` as MessageId)}</Text>
            <Textarea
              label={t(label)}
              required={required}
              maxLength={500}
              autosize
              minRows={2}
              value={text}
              error={tried && missing ? t('dialog.required') : undefined}
              onChange={(e) => setText(e.currentTarget.value)}
              data-autofocus
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                {t('dialog.cancel')}
              </Button>
              <Button type="submit" loading={props.busy}>
                {t('dialog.ok')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
