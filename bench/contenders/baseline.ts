/**
 * (b) What a user would write without this project: a graphql-yoga server
 * whose resolver calls Tencent's official Node SDK (one essbasic client,
 * created once at start-up).
 */
import { Agent, createServer } from 'node:http';
import { createSchema, createYoga } from 'graphql-yoga';
import * as tencentcloud from 'tencentcloud-sdk-nodejs';
import { listenOnLoopback } from '../loopback.js';
import { type BenchInput, CREDENTIALS, EXPECTED_REPLY, graphqlBody } from '../workload.js';
import type { StartContender } from './contender.js';

const typeDefs = /* GraphQL */ `
  input ProxyOperatorInput { openId: String! }
  input AgentInput { appId: String!, proxyOrganizationOpenId: String!, proxyOperator: ProxyOperatorInput! }
  input ChannelCancelMultiFlowSignQRCodeInput { agent: AgentInput!, qrCodeId: String! }
  type ChannelCancelMultiFlowSignQRCodeSuccess { requestId: String! }
  type Query { ok: Boolean! }
  type Mutation {
    channelCancelMultiFlowSignQRCode(input: ChannelCancelMultiFlowSignQRCodeInput!): ChannelCancelMultiFlowSignQRCodeSuccess!
  }
`;

// The same reply as the layer's, so one expected body checks both.
const QUERY = `mutation Cancel($input: ChannelCancelMultiFlowSignQRCodeInput!) {
  channelCancelMultiFlowSignQRCode(input: $input) { __typename requestId }
}`;

/**
 * The SDK signs for the service named by the endpoint's first label, so it is given an `essbasic.` host
 * name that this agent resolves to the fake upstream. Keep-alive as Node's default global agent has it,
 * which is what the SDK uses when a user passes no agent.
 */
function loopbackAgent(): Agent {
  const lookup = (_host: string, options: { all?: boolean }, callback: (error: null, ...answer: unknown[]) => void) =>
    options.all ? callback(null, [{ address: '127.0.0.1', family: 4 }]) : callback(null, '127.0.0.1', 4);
  return new Agent({ keepAlive: true, lookup: lookup as never });
}

export const startBaseline: StartContender = async (upstreamUrl) => {
  const client = new tencentcloud.essbasic.v20210526.Client({
    credential: CREDENTIALS,
    region: '',
    profile: {
      httpProfile: {
        endpoint: `essbasic.bench.test:${new URL(upstreamUrl).port}`,
        protocol: 'http://',
        agent: loopbackAgent(),
      },
    },
  });
  const yoga = createYoga({
    schema: createSchema({
      typeDefs,
      resolvers: {
        Query: { ok: () => true },
        Mutation: {
          channelCancelMultiFlowSignQRCode: async (_root: unknown, { input }: { input: BenchInput }) => {
            const reply = await client.ChannelCancelMultiFlowSignQRCode({
              Agent: {
                AppId: input.agent.appId,
                ProxyOrganizationOpenId: input.agent.proxyOrganizationOpenId,
                ProxyOperator: { OpenId: input.agent.proxyOperator.openId },
              },
              QrCodeId: input.qrCodeId,
            });
            return { requestId: reply.RequestId };
          },
        },
      },
    }),
  });
  const { port, close } = await listenOnLoopback(createServer(yoga));
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    workload: { body: graphqlBody(QUERY), expectBody: EXPECTED_REPLY },
    close,
  };
};
