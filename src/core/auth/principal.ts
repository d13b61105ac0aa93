/** Who is calling: a team's API key, or the operator's CHAKRA_ADMIN_TOKEN (every team). */
export type Principal =
  | { kind: 'system' }
  | {
      kind: 'key';
      keyId: string;
      teamId: string;
      teamShortId: string;
      roleId: string;
      roleShortId: string;
      privileges: ReadonlySet<string>;
    };

export type KeyPrincipal = Extract<Principal, { kind: 'key' }>;
