import type { Principal } from '../auth/principal.ts';
import type { Privilege } from '../auth/privileges.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * none: public; key: a team API key or a console session; admin: the same with the admin
     * privilege, or CHAKRA_ADMIN_TOKEN; session: a console session only (sign-out, who am I).
     */
    auth?: 'none' | 'key' | 'admin' | 'session';
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
