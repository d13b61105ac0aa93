/**
 * The console's routes. Sign-in and setup load with the first screen; everything behind sign-in
 * is its own chunk, loaded once a session exists.
 */
import { Center, Loader } from '@mantine/core';
import { lazy, Suspense } from 'react';
import { Redirect, Route, Switch } from 'wouter';
import { SetupScreen } from './screens/Setup.tsx';
import { SignInScreen } from './screens/SignIn.tsx';
import { useSession } from './session.ts';

const Shell = lazy(() => import('./screens/Shell.tsx'));

export function Loading() {
  return (
    <Center h="60vh" role="status" aria-label="Loading">
      <Loader />
    </Center>
  );
}

export function App() {
  const session = useSession();
  if (session.isPending) return <Loading />;
  const signedIn = Boolean(session.data);
  return (
    <Switch>
      <Route path="/setup" component={SetupScreen} />
      <Route path="/sign-in">{signedIn ? <Redirect to="/" replace /> : <SignInScreen />}</Route>
      <Route>
        {signedIn ? (
          <Suspense fallback={<Loading />}>
            <Shell />
          </Suspense>
        ) : (
          <Redirect to="/sign-in" replace />
        )}
      </Route>
    </Switch>
  );
}
