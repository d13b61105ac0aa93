/**
 * The help texts of the `chakra` command, kept apart from the commands themselves so that
 * `--help` and `--version` answer without loading the server.
 */
export const GLOBAL_USAGE = `Usage: chakra <command> [options]

  serve [--role api|worker|all]    run the server (default role: all)
  migrate                          apply pending database migrations
  apply <workspace.yaml|json>      apply a workspace file (creates or updates, never deletes)
  keys create|list|revoke          manage a team's API keys (chakra keys --help)
  users reset-link <user>          print a sign-in link with which a user chooses a new password
  sandbox [--port 3001]            run the WhatsApp sandbox (a stand-in for Meta's Cloud API) on its own
  --version                        print the version

chakra <command> --help shows a command's options. Configuration comes from the environment
and from a .env file in the working directory; see docs/configuration.md.`;

export const COMMAND_USAGE = {
  serve: `Usage: chakra serve [--role api|worker|all]

Migrates the database, applies the workspace, and serves until SIGTERM or SIGINT.

  --role api       serve HTTP only
  --role worker    run background jobs only (no port)
  --role all       both (default)`,

  migrate: `Usage: chakra migrate

Applies pending database migrations and says which.`,

  apply: `Usage: chakra apply <workspace.yaml|json>

Applies a workspace file: creates and updates teams, roles, procedures and plugins, never deletes.`,

  keys: `Usage: chakra keys <create|list|revoke> --team <team> [options]

  create --team <team> --role <role> --name <name> [--description <text>] [--expires <time>] [--json]
                               create an API key (shown once)
  list --team <team> [--json]  list a team's keys, without secrets
  revoke --team <team> <keyId or prefix>
                               revoke a key, by its id or the prefix that list shows

While an embedded-database server runs, these reach it through its control socket.`,

  'keys create': `Usage: chakra keys create --team <team> --role <role> --name <name> [--description <text>] [--expires <time>] [--json]

Creates an API key and prints it once: alone on the last line, or with --json as one JSON object.

  --team <team>          team shortId or id (required)
  --role <role>          role shortId or id (required)
  --name <name>          a name to tell the key apart (required)
  --description <text>   free text
  --expires <time>       ISO-8601 time or epoch milliseconds; default: never
  --json                 print the key as a JSON object`,

  'keys list': `Usage: chakra keys list --team <team> [--json]

Lists a team's API keys (id, prefix, name, role, state, expiry, last use), never the secrets.

  --team <team>   team shortId or id (required)
  --json          print a JSON array`,

  'keys revoke': `Usage: chakra keys revoke --team <team> <keyId or prefix>

Revokes an API key, named by its id or by the prefix \`chakra keys list\` shows (chk_…).

  --team <team>   team shortId or id (required)`,

  users: `Usage: chakra users reset-link <email, username or id> [--team <team>]

  reset-link   print a single-use sign-in link (valid 24 hours) with which the user chooses a
               new password for the console; their earlier unused links stop working

While an embedded-database server runs, this reaches it through its control socket.`,

  'users reset-link': `Usage: chakra users reset-link <email, username or id> [--team <team>]

Prints a single-use sign-in link (valid 24 hours) with which the user chooses a new password.

  --team <team>   team shortId or id; needed only when several teams have such a user`,

  sandbox: `Usage: chakra sandbox [--port 3001] [--host 127.0.0.1] [--messages-per-second 80]

Runs the WhatsApp sandbox, a stand-in for Meta's Cloud API, on a port of its own.

  --port <port>                   default 3001
  --host <address>                default 127.0.0.1
  --messages-per-second <n>       per sending number; 0: no limit (default 80)`,
} as const;
