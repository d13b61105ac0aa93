/** User response shapes v1 and v2 (docs/api.md#users) and the update body. */
import { Type, type TSchema } from '@sinclair/typebox';
import { Nullable, Uuid, StringEnum } from '../../core/schema-types.ts';
import { MAX_OFFSET } from '../../core/http/paging.ts';
import { named } from '../../core/http/openapi-document.ts';

const N = Nullable;
const Obj = Type.Object({}, { additionalProperties: true });

const Contact = named(
  'UserContact',
  Type.Object(
    {
      id: Uuid,
      createdAt: Type.Number(),
      updatedAt: Type.Number(),
      email: Type.Optional(Type.String()),
      normalizedEmail: Type.Optional(Type.String()),
      phone: Type.Optional(Type.String()),
      type: Type.String(),
      isVerified: Type.Boolean(),
      user: Uuid,
    },
    { additionalProperties: false },
  ),
);

function userShape(time: TSchema, ref: TSchema, email: TSchema, phone: TSchema, detail: boolean) {
  return Type.Object({
    id: Uuid,
    createdAt: time,
    updatedAt: time,
    username: Type.String(),
    firstName: N(Type.String()),
    middleName: N(Type.String()),
    lastName: N(Type.String()),
    displayName: N(Type.String()),
    gender: N(Type.String()),
    dob: N(time),
    bio: N(Type.String()),
    profileImageUrl: N(Type.String()),
    coverImageUrl: N(Type.String()),
    timezone: Type.String(),
    data: N(Obj),
    onboardingData: N(Obj),
    isActive: Type.Boolean(),
    isDeleted: Type.Boolean(),
    deletedAt: N(time),
    availabilityStatus: Type.String(),
    team: ref,
    role: N(ref),
    primaryEmail: N(email),
    primaryPhone: N(phone),
    profile: Type.Null(),
    ...(detail ? { emails: Type.Array(Contact), phones: Type.Array(Contact), reportees: Type.Array(Type.String()) } : {}),
  });
}

const Iso = Type.String({ description: 'ISO-8601 with the user timezone offset' });
export const UserV1 = named('UserV1', userShape(Type.Number(), Uuid, Contact, Contact, false));
export const UserV1Detail = named('UserV1Detail', userShape(Type.Number(), Uuid, Contact, Contact, true));
export const UserV2 = named('User', userShape(Iso, Type.String({ description: 'shortId' }), Type.String(), Type.String(), false));
export const UserV2Detail = named(
  'UserDetail',
  userShape(Iso, Type.String({ description: 'shortId' }), Type.String(), Type.String(), true),
);

export const UserParams = Type.Object({ id: Type.String({ description: 'user id' }) });
export const ListQuery = Type.Object({
  skip: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_OFFSET, default: 0 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 1000 })),
});

export const UpdateUserBody = named(
  'UserUpdate',
  Type.Object(
    {
      firstName: Type.Optional(N(Type.String({ maxLength: 200 }))),
      middleName: Type.Optional(N(Type.String({ maxLength: 200 }))),
      lastName: Type.Optional(N(Type.String({ maxLength: 200 }))),
      displayName: Type.Optional(N(Type.String({ maxLength: 200 }))),
      timezone: Type.Optional(Type.String({ pattern: '^[+-](0\\d|1[0-4])[0-5]\\d$', description: 'offset such as +0530' })),
      bio: Type.Optional(N(Type.String({ maxLength: 5000 }))),
      gender: Type.Optional(N(Type.String({ maxLength: 50 }))),
      dob: Type.Optional(N(Type.Union([Type.Integer(), Type.String()], { description: 'epoch milliseconds or ISO-8601' }))),
      data: Type.Optional(N(Obj)),
      availabilityStatus: Type.Optional(StringEnum(['AVAILABLE', 'BUSY', 'UNAVAILABLE'])),
      isActive: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: false },
  ),
  { examples: [{ displayName: 'John D.', availabilityStatus: 'BUSY', bio: 'Inside sales, north pod' }] },
);
