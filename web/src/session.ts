import { useQuery } from '@tanstack/react-query';
import { currentSession } from './api.ts';

export const SESSION_KEY = ['session'] as const;

/** The signed-in session (or null), asked once and shared by every screen. */
export function useSession() {
  return useQuery({ queryKey: SESSION_KEY, queryFn: currentSession, staleTime: Number.POSITIVE_INFINITY });
}

/** Whether the signed-in user's role allows a privilege (`admin` allows everything), as the server decides it. */
export function useCan(privilege: string): boolean {
  const privileges = useSession().data?.user.privileges ?? [];
  return privileges.includes(privilege) || privileges.includes('admin');
}
