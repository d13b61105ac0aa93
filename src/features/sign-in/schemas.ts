/** Shapes of console sign-in (docs/console.md#sign-in). */
import { Type } from '@sinclair/typebox';
import { named } from '../../core/http/openapi-document.ts';
import { Uuid } from '../../core/schema-types.ts';
import { PASSWORD_MAX } from './service.ts';

const Password = Type.String({ minLength: 1, maxLength: PASSWORD_MAX * 4, description: 'Never logged, stored only as a scrypt hash.' });

export const SignInBody = named(
  'SignIn',
  Type.Object(
    {
      email: Type.String({ minLength: 1, maxLength: 320, description: "The user's email or username." }),
      password: Password,
    },
    { additionalProperties: false },
  ),
);

export const SetPasswordBody = named(
  'SetPasswordWithLink',
  Type.Object(
    {
      token: Type.String({ minLength: 1, maxLength: 200, description: 'The `token` of the sign-in link.' }),
      password: Type.String({ ...Password, description: 'The new password: 10 to 256 characters.' }),
    },
    { additionalProperties: false },
  ),
);

const SessionUser = named(
  'SessionUser',
  Type.Object({
    id: Uuid,
    username: Type.String(),
    displayName: Type.String(),
    team: Type.String({ description: "The team's shortId." }),
    role: Type.String({ description: "The role's shortId." }),
    privileges: Type.Array(Type.String(), { description: 'What the role allows (docs/api.md#privileges).' }),
  }),
);

export const Session = named(
  'Session',
  Type.Object({
    user: SessionUser,
    csrfToken: Type.String({ description: 'Send as `X-CSRF-Token` with every POST, PUT, PATCH and DELETE made with this session.' }),
  }),
);

export const SignedOut = named('SignedOut', Type.Object({ sessionsEnded: Type.Integer({ minimum: 0 }) }));

export const SignInLink = named(
  'SignInLink',
  Type.Object({
    user: Type.String({ description: "The user's username." }),
    url: Type.String({ description: 'The link to give the user: single-use, valid 24 hours.' }),
    expiresAt: Type.String({ format: 'date-time' }),
  }),
);

export const UserRefParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 320, description: "The user's id, username or email." }),
});
