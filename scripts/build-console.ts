// `npm run build:console`, and the root's `prepare` (so `npm install` and `npm ci` build the
// console): web/ into web/dist (src/features/console/build.ts).
import { buildConsole } from '../src/features/console/build.ts';

try {
  const ms = await buildConsole();
  console.log(`console built into web/dist in ${(ms / 1000).toFixed(1)} s`);
} catch (error) {
  // Without the development dependencies there is no Vite: the API works, the console is not built.
  if ((error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND')
    console.warn('console not built: Vite is not installed (a plain `npm install` installs it)');
  else throw error;
}
