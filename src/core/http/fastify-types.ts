import type { Principal } from '../auth/principal.ts';
import type { Privilege } from '../auth/privileges.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** none: public; key: a team API key; admin: a team admin key or CHAKRA_ADMIN_TOKEN. */
    auth?: 'none' | 'key' | 'admin';
    privilege?: Privilege;
    /** Honour Idempotency-Key on this mutating route. */
    idempotent?: boolean;
  }
  interface FastifyRequest {
    principal: Principal | null;
    /** On upload routes: the multipart body has been read (file-upload.ts). */
    uploadRead?: boolean;
  }
}
