/**
 * The service as an Apollo Federation v2 subgraph (FEDERATION=true, FEDERATION_TYPE_PREFIX=Esign), end to end over
 * real HTTP: its `_service { sdl }` and a second subgraph's are composed into a supergraph by
 * @theguild/federation-composition, a Hive gateway serves it, and mutations go through the gateway to this service
 * and on to the emulator, with the caller's bearer token forwarded and operator binding applied.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { createGatewayRuntime, type GatewayRuntime } from '@graphql-hive/gateway-runtime';
import { composeServices } from '@theguild/federation-composition';
import { parse } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/emulator/seed.js';
import type { RunningService } from '../../src/server/service.js';
import {
  AUDIENCE,
  ISSUER,
  type JwksServer,
  type RecordingProxy,
  startJwks,
  startRecordingProxy,
} from '../support/auth.js';
import { useEmulator } from '../support/emulator.js';
import { post, serviceFor } from '../support/service.js';

/** Another team's subgraph: its own `Error` interface and `Query.mode`, which the prefix keeps apart from ours. */
const CLINICS_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])

  interface Error {
    message: String!
  }

  type Clinic @key(fields: "id") {
    id: ID!
    name: String!
  }

  type ClinicNotFoundError implements Error {
    message: String!
  }

  union ClinicResult = Clinic | ClinicNotFoundError

  type Query {
    mode: String!
    clinic(id: ID!): ClinicResult!
  }
`;

const emulator = useEmulator();
let jwks: JwksServer;
let proxy: RecordingProxy;
let service: RunningService;
let clinics: Server;
let gateway: GatewayRuntime;
let gatewayServer: Server;
let gatewayUrl: string;
let supergraphSdl: string;

const listen = async (server: Server): Promise<string> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
};

const closeServer = (server: Server) =>
  new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });

beforeAll(async () => {
  jwks = await startJwks();
  proxy = await startRecordingProxy(emulator.current.url);
  service = await serviceFor(emulator.current, {
    TENCENT_ESS_ENDPOINT: proxy.url,
    TENCENT_ESSBASIC_ENDPOINT: proxy.url,
    TENCENT_ESSBASIC_APP_ID: DEMO.appId,
    AUTH_JWKS_URL: jwks.url,
    AUTH_JWT_ISSUER: ISSUER,
    AUTH_JWT_AUDIENCE: AUDIENCE,
    FEDERATION: 'true',
    FEDERATION_TYPE_PREFIX: 'Esign',
  });
  const clinicsSchema = buildSubgraphSchema({
    typeDefs: parse(CLINICS_SDL),
    resolvers: {
      Query: {
        mode: () => 'clinics',
        clinic: (_root: unknown, { id }: { id: string }) =>
          id === 'c1' ? { __typename: 'Clinic', id, name: 'Riverside' } : { __typename: 'ClinicNotFoundError' },
      },
      ClinicNotFoundError: { message: () => 'No such clinic.' },
    },
  });
  clinics = createServer(createYoga({ schema: clinicsSchema, logging: false }));
  const clinicsUrl = await listen(clinics);

  // The SDL a gateway's composition reads from the running subgraph, as a schema registry would.
  const ours = await post(service.url, { query: '{ _service { sdl } }' }, { authorization: `Bearer ${await token()}` });
  const esignSdl = (ours.body.data as { _service: { sdl: string } })._service.sdl;
  const composed = composeServices([
    { name: 'esign', typeDefs: parse(esignSdl), url: service.url },
    { name: 'clinics', typeDefs: parse(CLINICS_SDL), url: clinicsUrl },
  ]);
  if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join('\n'));
  supergraphSdl = composed.supergraphSdl;
  gateway = createGatewayRuntime({
    supergraph: supergraphSdl,
    logging: false,
    // The gateway sends subgraphs no client header unless told to: the caller's credential goes through.
    propagateHeaders: {
      fromClientToSubgraphs: ({ request }) => ({ authorization: request.headers.get('authorization') }),
    },
  });
  gatewayServer = createServer(gateway);
  gatewayUrl = await listen(gatewayServer);
});

afterAll(async () => {
  await closeServer(gatewayServer);
  await gateway[Symbol.asyncDispose]();
  await closeServer(clinics);
  await service.close();
  await proxy.close();
  await jwks.close();
});

beforeEach(() => {
  proxy.bodies.length = 0;
});

/** A token bound to the demo essbasic operator, or to `openId`. */
function token(openId: string = DEMO.proxyOperatorOpenId) {
  return jwks.sign({
    essbasic_proxy_organization_open_id: DEMO.proxyOrganizationOpenId,
    essbasic_proxy_operator_open_id: openId,
  });
}

const CANCEL_QR = /* GraphQL */ `
  mutation ($input: EsignChannelCancelMultiFlowSignQRCodeInput!) {
    result: channelCancelMultiFlowSignQRCode(input: $input) {
      __typename
      ... on EsignChannelCancelMultiFlowSignQRCodeSuccess { qrCodeId requestId }
      ... on EsignError { message }
    }
  }
`;

function qrInput() {
  const owner = { appId: DEMO.appId, proxyOrganizationOpenId: DEMO.proxyOrganizationOpenId };
  return {
    agent: {
      proxyOrganizationOpenId: DEMO.proxyOrganizationOpenId,
      proxyOperator: { openId: DEMO.proxyOperatorOpenId },
    },
    qrCodeId: emulator.current.state.createQrCode(owner, 7).id,
  };
}

const throughGateway = (query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}) =>
  post(gatewayUrl, { query, variables }, headers);

describe('the supergraph', () => {
  it('holds the subgraph’s types under the prefix beside another subgraph’s Error and mode', () => {
    expect(supergraphSdl).toMatch(/^interface EsignError\b.*@join__type\(graph: ESIGN\)/m);
    expect(supergraphSdl).toMatch(/^interface Error\b.*@join__type\(graph: CLINICS\)/m);
    expect(supergraphSdl).toMatch(/^union EsignChannelCancelMultiFlowSignQRCodeResult\b/m);
    expect(supergraphSdl).toMatch(/^\s+esignMode: EsignServiceMode! @join__field\(graph: ESIGN\)/m);
    expect(supergraphSdl).toMatch(/^\s+mode: String! @join__field\(graph: CLINICS\)/m);
  });
});

describe('a cancel through the gateway', () => {
  it('reaches the emulator and answers the typed union member; one query reads both subgraphs', async () => {
    const input = qrInput();
    const res = await throughGateway(CANCEL_QR, { input }, { authorization: `Bearer ${await token()}` });
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data).toEqual({
      result: {
        __typename: 'EsignChannelCancelMultiFlowSignQRCodeSuccess',
        qrCodeId: input.qrCodeId,
        requestId: expect.any(String),
      },
    });
    expect(proxy.bodies).toMatchObject([{ QrCodeId: input.qrCodeId, Agent: { ProxyOperator: { OpenId: 'n9527' } } }]);

    const both = await throughGateway(
      '{ esignMode mode clinic(id: "c1") { __typename ... on Clinic { name } } }',
      {},
      { authorization: `Bearer ${await token()}` },
    );
    expect(both.body).toEqual({
      data: { esignMode: 'PRODUCTION', mode: 'clinics', clinic: { __typename: 'Clinic', name: 'Riverside' } },
    });
  });

  it('without the caller’s token is refused by the subgraph, and nothing is sent to Tencent', async () => {
    const res = await throughGateway(CANCEL_QR, { input: qrInput() });
    expect(res.body.data ?? null).toBeNull();
    expect(res.body.errors).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/Authentication required/) }),
    ]);
    expect(proxy.bodies).toEqual([]);
  });

  it('by a caller bound to another operator answers EsignCallerNotAllowedError, and nothing is sent', async () => {
    const res = await throughGateway(
      CANCEL_QR,
      { input: qrInput() },
      { authorization: `Bearer ${await token('someoneElse')}` },
    );
    expect(res.body.data).toEqual({
      result: { __typename: 'EsignCallerNotAllowedError', message: expect.stringMatching(/other than the caller/) },
    });
    expect(proxy.bodies).toEqual([]);
  });
});
