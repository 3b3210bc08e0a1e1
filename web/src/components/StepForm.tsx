import type { FormEvent, ReactNode } from 'react';
import { Button, Group, Stack } from '@mantine/core';

/**
 * One step of the login and set-up screens: its fields, an optional Back, and the submit
 * button in the seeds' words. The page runs `onSubmit` (busy state, errors); the form only
 * keeps the browser from navigating.
 */
export function StepForm(props: {
  submit: string;
  onSubmit: () => void;
  busy: boolean;
  back?: { label: string; onClick: () => void };
  children: ReactNode;
}) {
  const submit = (e: FormEvent) => {
    e.preventDefault();
    props.onSubmit();
  };
  return (
    <form onSubmit={submit}>
      <Stack>
        {props.children}
        <Group justify={props.back ? 'space-between' : 'flex-end'}>
          {props.back && (
            <Button variant="subtle" onClick={props.back.onClick}>
              {props.back.label}
            </Button>
          )}
          <Button type="submit" loading={props.busy} fullWidth={!props.back}>
            {props.submit}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
