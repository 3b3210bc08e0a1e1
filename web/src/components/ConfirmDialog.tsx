import { useState } from 'react';
import { Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { dialogInput, type Action, type DialogInput } from '../form-actions';
import { useT, type MessageId } from '../i18n/i18n';

const LABELS: Record<DialogInput, MessageId> = {
  message: 'dialog.message',
  requiredMessage: 'dialog.messageRequired',
  reason: 'dialog.reason',
  releaseReason: 'dialog.releaseReason',
  optionalReason: 'dialog.bulkReleaseReason',
};

/** The seeds' "PLEASE CONFIRM TO PROCEED" with a message to the next step's user (required to RETURN, a reason to REJECT). */
export function ConfirmDialog(props: {
  action: Action | null;
  /** What the text box asks for, when not the action's own (a bulk release: a reason, optional). */
  input?: DialogInput;
  /** The question, when not the action's own (a bulk action names how many forms). */
  question?: string;
  busy: boolean;
  onCancel: () => void;
  onConfirm: (text: string) => void;
}) {
  const t = useT();
  const [text, setText] = useState('');
  const [tried, setTried] = useState(false);
  const { action } = props;
  const input = props.input ?? (action ? dialogInput(action) : 'message');
  const required = input !== 'message' && input !== 'optionalReason';
  const label = LABELS[input];
  const missing = required && !text.trim();
  const close = () => {
    setText('');
    setTried(false);
    props.onCancel();
  };
  return (
    <Modal
      opened={action !== null}
      onClose={close}
      title={t('dialog.title')}
      centered
      closeButtonProps={{ 'aria-label': t('close') }}
    >
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
            <Text>{props.question ?? t(`dialog.${action}` as MessageId)}</Text>
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
