/**
 * A clinic's own graphql-yoga server that mounts the e-sign mutations beside its own schema, through the package's
 * exports only: `createEsignSchema` (prefixed, so its `EsignError` sits beside the clinic's `Error`), merged with the
 * clinic's schema; `useEsignContext` with the clinic's own sessions as the caller identity; and the Tencent client
 * with its caller chain from `esign-graphql/tencent`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mergeSchemas } from '@graphql-tools/schema';
import { type Caller, createEsignSchema, useEsignContext } from 'esign-graphql';
import { type Credentials, createCallerChain, type Endpoints, TencentClient } from 'esign-graphql/tencent';
import { createSchema, createYoga } from 'graphql-yoga';

/** A member of staff, found by the session token the clinic's own login hands out. */
export interface Staff {
  name: string;
  /** The Tencent sub-enterprise and employee (essbasic `Agent`) this person may act as. */
  organizationOpenId: string;
  operatorOpenId: string;
}

export interface ClinicServerOptions {
  endpoints: Endpoints;
  credentials: Credentials;
  staffBySession: ReadonlyMap<string, Staff>;
  /** Tencent's `AppId` of the clinic's platform application, for inputs that leave `agent.appId` out. */
  appId: string;
}

export interface ClinicServer {
  url: string;
  close(): Promise<void>;
}

const SESSION_HEADER = 'x-clinic-session';

// The clinic's own schema, with an `Error` interface of its own.
const clinicSchema = createSchema<{ caller?: Caller }>({
  typeDefs: /* GraphQL */ `
    interface Error {
      message: String!
    }
    type Query {
      "Who the session belongs to."
      me: String
    }
  `,
  resolvers: { Query: { me: (_root: unknown, _args: unknown, ctx: { caller?: Caller }) => ctx.caller?.id ?? null } },
});

export async function startClinicServer(options: ClinicServerOptions): Promise<ClinicServer> {
  const client = new TencentClient({
    credentials: options.credentials,
    endpoints: options.endpoints,
    timeoutMs: 5_000,
  });
  const chain = createCallerChain(client, {
    limit: 20,
    maxWaitMs: 1_000,
    timeoutMs: 5_000,
    retry: { attempts: 2 },
    breaker: { failures: 5, cooldownMs: 10_000, slowCallMs: 3_000 },
  });

  // Without a session the caller is bound to no operator, so every e-sign mutation answers CallerNotAllowedError.
  const caller = (request: Request): Caller => {
    const staff = options.staffBySession.get(request.headers.get(SESSION_HEADER) ?? '');
    if (!staff) return { id: 'anonymous', identity: {}, unrestricted: false };
    return {
      id: `clinic:${staff.name}`,
      identity: {
        essbasicProxyOrganizationOpenId: staff.organizationOpenId,
        essbasicProxyOperatorOpenId: staff.operatorOpenId,
      },
      unrestricted: false,
    };
  };

  const yoga = createYoga({
    schema: mergeSchemas({ schemas: [clinicSchema, createEsignSchema({ typePrefix: 'Esign' })] }),
    plugins: [
      useEsignContext({ tencent: chain.caller, caller, defaults: { essbasicAppId: options.appId }, mode: 'TEST' }),
    ],
    logging: false,
  });
  const server = createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${yoga.graphqlEndpoint}`,
    async close() {
      await chain.shutdown(1_000);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await client.close();
    },
  };
}
