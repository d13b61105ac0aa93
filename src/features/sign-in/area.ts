import type { Area } from '../../area.ts';
import { signInRoutes } from './routes.ts';

/** Console sign-in: sessions, sign-in links (docs/console.md#sign-in). */
export const signInArea: Area = {
  name: 'sign-in',
  openapiTags: [{ name: 'sign-in', description: 'Console sessions: sign in and out, choose a password with a sign-in link.' }],
  routes: signInRoutes,
};
