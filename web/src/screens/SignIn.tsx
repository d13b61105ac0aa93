import { Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useLocation } from 'wouter';
import { signIn } from '../api.ts';
import { SESSION_KEY } from '../session.ts';
import { AuthCard } from './AuthCard.tsx';
import { ProblemAlert } from '../ProblemAlert.tsx';

export function SignInScreen() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const mutation = useMutation({
    mutationFn: () => signIn(email.trim(), password),
    onSuccess: (session) => {
      queryClient.setQueryData(SESSION_KEY, session);
      navigate('/', { replace: true });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    mutation.mutate();
  };
  return (
    <AuthCard title="Sign in">
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <ProblemAlert error={mutation.error} title="Could not sign in" />
          <TextInput
            label="Email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
          />
          <PasswordInput
            label="Password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
          />
          <Button type="submit" loading={mutation.isPending} disabled={!email || !password}>
            Sign in
          </Button>
        </Stack>
      </form>
    </AuthCard>
  );
}
