/**
 * The signed-in frame: a header with whether live updates arrive, the search box and the user's
 * menu (sign out), a navigation listing the team's procedures (from `GET /v1/ext/config`) and
 * "My tasks", and the screen of the route.
 */
import { AppShell, Box, Burger, Button, Group, Menu, NavLink, ScrollArea, Text, Title, VisuallyHidden } from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect } from 'react';
import { Link, Redirect, Route, Switch, useLocation } from 'wouter';
import { Loading } from '../App.tsx';
import { client, signOut, signOutEverywhere } from '../api.ts';
import { type LiveState, useLiveUpdates } from '../live.ts';
import { SESSION_KEY, useCan, useSession } from '../session.ts';
import { ChunkScreen, screenChunk } from '../lazy-screen.ts';
import { SearchBox } from './SearchBox.tsx';
import { ProblemAlert } from '../ProblemAlert.tsx';

const ProcessTable = lazy(() => import('./ProcessTable.tsx'));
const MyTasks = lazy(() => import('./MyTasks.tsx'));
const SearchScreen = lazy(() => import('./Search.tsx'));
const Users = lazy(() => import('./Users.tsx'));
const board = screenChunk(() => import('./Board.tsx'));
const processPage = screenChunk(() => import('./ProcessPage.tsx'));

/**
 * The screens a person opens next from a table (its board, a process) are fetched once the page
 * is idle: a click then shows them in tens of milliseconds instead of the ~0.4 s of loading their
 * code and React's Suspense pause, and the first screen still loads only what it shows.
 */
function usePrefetchNextScreens() {
  useEffect(() => {
    const load = () => {
      board.preload();
      processPage.preload();
    };
    if ('requestIdleCallback' in window) {
      const handle = requestIdleCallback(load, { timeout: 3000 });
      return () => cancelIdleCallback(handle);
    }
    const timer = setTimeout(load, 1500);
    return () => clearTimeout(timer);
  }, []);
}
const CreateProcess = lazy(() => import('./CreateProcess.tsx'));

const LIVE_TEXT: Record<LiveState, string> = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…' };

/** Whether changes made elsewhere reach this page now: a dot, and its word (only for screen readers on a phone). */
function LiveIndicator({ state }: { state: LiveState }) {
  const text = LIVE_TEXT[state];
  const phone = useMediaQuery('(max-width: 48em)');
  return (
    <Group gap={6} wrap="nowrap" role="status" title={state === 'live' ? 'Changes made elsewhere appear here as they happen' : text}>
      <Box
        aria-hidden
        w={8}
        h={8}
        style={{ borderRadius: '50%', background: `var(--mantine-color-${state === 'live' ? 'green-7' : 'orange-7'})` }}
      />
      {phone ? (
        <VisuallyHidden>{text}</VisuallyHidden>
      ) : (
        <Text size="xs" c="dimmed">
          {text}
        </Text>
      )}
    </Group>
  );
}

export function useTeamConfig() {
  return useQuery({ queryKey: ['config'], queryFn: () => client.config.get(), staleTime: 5 * 60_000 });
}

export default function Shell() {
  const [opened, { toggle, close }] = useDisclosure();
  const session = useSession();
  const config = useTeamConfig();
  const queryClient = useQueryClient();
  const live = useLiveUpdates();
  usePrefetchNextScreens();
  const [location, navigate] = useLocation();
  const leave = useMutation({
    mutationFn: (everywhere: boolean) => (everywhere ? signOutEverywhere() : signOut()),
    onSuccess: () => {
      // Signed out first (the routes follow the session), then nothing of the team is kept in memory.
      queryClient.setQueryData(SESSION_KEY, null);
      navigate('/sign-in', { replace: true });
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== SESSION_KEY[0] });
    },
  });
  const user = session.data?.user;
  const shownName = user?.displayName || user?.username || '';
  const admin = useCan('admin');
  const procedures = config.data?.procedures ?? [];
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={opened ? 'Close navigation' : 'Open navigation'}
            />
            <Title order={2} size="h4" c="indigo.8">
              chakra
            </Title>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <LiveIndicator state={live} />
            <SearchBox />
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <Button variant="subtle" px={{ base: 6, sm: 'md' }} aria-label={`Account: ${shownName}`}>
                  <Text span fw={600} truncate maw={180} visibleFrom="sm">
                    {shownName}
                  </Text>
                  <Text span fw={600} hiddenFrom="sm">
                    Account
                  </Text>
                </Button>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>
                  {user?.username} · {user?.role}
                </Menu.Label>
                <Menu.Item onClick={() => leave.mutate(false)}>Sign out</Menu.Item>
                <Menu.Item onClick={() => leave.mutate(true)}>Sign out everywhere</Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Procedures">
        <ScrollArea>
          <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" py={6}>
            Procedures
          </Text>
          <ProblemAlert error={config.error} />
          {procedures.map((p) => (
            <NavLink
              key={p.id}
              component={Link}
              href={`/p/${encodeURIComponent(p.shortId)}`}
              label={p.name}
              variant="filled"
              active={location === `/p/${p.shortId}` || location.startsWith(`/p/${p.shortId}/`)}
              onClick={close}
            />
          ))}
          <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pt="md" pb={6}>
            Me
          </Text>
          <NavLink component={Link} href="/tasks" label="My tasks" variant="filled" active={location === '/tasks'} onClick={close} />
          {admin ? (
            <>
              <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pt="md" pb={6}>
                Team
              </Text>
              <NavLink component={Link} href="/users" label="Users" variant="filled" active={location === '/users'} onClick={close} />
            </>
          ) : null}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main>
        <ProblemAlert error={leave.error} mb="md" />
        <Suspense fallback={<Loading />}>
          <Switch>
            <Route path="/p/:ps/board">{(params) => <ChunkScreen key={params.ps} chunk={board} props={{ ps: params.ps }} />}</Route>
            <Route path="/p/:ps/new">{(params) => <CreateProcess key={params.ps} ps={params.ps} />}</Route>
            <Route path="/p/:ps/:id">
              {(params) => <ChunkScreen key={params.id} chunk={processPage} props={{ ps: params.ps, id: params.id }} />}
            </Route>
            <Route path="/p/:ps">{(params) => <ProcessTable key={params.ps} ps={params.ps} />}</Route>
            <Route path="/tasks" component={MyTasks} />
            <Route path="/search" component={SearchScreen} />
            <Route path="/users" component={Users} />
            <Route>
              {procedures.length ? <Redirect to={`/p/${procedures[0].shortId}`} replace /> : config.isPending ? <Loading /> : null}
            </Route>
          </Switch>
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}
