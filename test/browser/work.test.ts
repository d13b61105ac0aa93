/**
 * The console's working screens in Chromium against one real server (both backends): the board,
 * the process page, filters and views, search, the create form and My tasks. One server and one
 * page for all of them (each browser file costs a server and a Chromium launch); each screen's
 * steps live in test/browser/steps/ and run in the order registered here, signed in as the demo
 * user (john, inside_sales) unless a step signs in as someone else (and signs back in after).
 */
import { afterAll, beforeAll } from 'vitest';
import { type ConsoleSession, signInWithSetupLink, startConsole } from '../helpers/browser.ts';
import { tableToolsSteps } from './steps/table-tools.ts';
import { usersSteps } from './steps/users.ts';
import { boardSteps } from './steps/board.ts';
import { processPageSteps } from './steps/process-page.ts';

let c: ConsoleSession;
beforeAll(async () => {
  c = await startConsole();
  await signInWithSetupLink(c);
}, 120_000);
afterAll(() => c?.close());

/** The running console, for the steps (set once beforeAll has run). */
const session = () => c;

// Steps, in order (each module registers one `describe`):
tableToolsSteps(session);
boardSteps(session);
processPageSteps(session);
usersSteps(session);
