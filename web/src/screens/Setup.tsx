import { Alert, Button, PasswordInput, Stack } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useLocation, useSearch } from 'wouter';
import { completeSetup } from '../api.ts';
import { SESSION_KEY } from '../session.ts';
import { AuthCard } from './AuthCard.tsx';
import { ProblemAlert } from '../ProblemAlert.tsx';

const MIN_LENGTH = 10; // the server takes 10 to 256 characters (docs/console.md#sign-in)

/** `/console/setup?token=…`: the link from the server's first start (or an admin) sets a password and signs in. */
export function SetupScreen() {
  const token = new URLSearchParams(useSearch()).get('token') ?? '';
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [touched, setTouched] = useState(false);
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const mutation = useMutation({
    mutationFn: () => completeSetup(token, password),
    onSuccess: (session) => {
      queryClient.setQueryData(SESSION_KEY, session);
      navigate('/', { replace: true });
    },
  });
  const tooShort = password.length < MIN_LENGTH;
  const mismatch = repeat !== password;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (!tooShort && !mismatch) mutation.mutate();
  };
  if (!token) {
    return (
      <AuthCard title="Set your password">
        <Alert color="red" role="alert" title="This link is incomplete">
          The setup link has no token. Open the whole link you were given, or ask an administrator for a new one.
        </Alert>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Set your password" intro="Choose the password you will sign in with from now on.">
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <ProblemAlert error={mutation.error} title="Could not set the password" />
          <PasswordInput
            label="New password"
            description={`At least ${MIN_LENGTH} characters`}
            autoComplete="new-password"
            required
            value={password}
            error={touched && tooShort ? `Use at least ${MIN_LENGTH} characters.` : undefined}
            onChange={(e) => setPassword(e.currentTarget.value)}
          />
          <PasswordInput
            label="Repeat the password"
            autoComplete="new-password"
            required
            value={repeat}
            error={touched && mismatch ? 'The two passwords differ.' : undefined}
            onChange={(e) => setRepeat(e.currentTarget.value)}
          />
          <Button type="submit" loading={mutation.isPending}>
            Set password and sign in
          </Button>
        </Stack>
      </form>
    </AuthCard>
  );
}
