/** Production mode over real HTTP: GraphiQL, introspection and field suggestions off unless switched on. */
import { getIntrospectionQuery } from 'graphql';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../../support/emulator.js';
import {
  type GraphQLResponse,
  post,
  PRODUCTION_AUTH,
  productionServiceFor,
  useService,
  useServices,
} from '../../support/service.js';

const emulator = useEmulator();

/** What a browser asks for when opening the endpoint. */
const graphiqlPage = (url: string) =>
  fetch(url, {
    headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', ...PRODUCTION_AUTH },
  });

async function expectNoGraphiQL(url: string): Promise<void> {
  const res = await graphiqlPage(url);
  expect(res.headers.get('content-type')).not.toMatch(/html/);
  expect(await res.text()).not.toMatch(/graphiql/i);
}
/** An authenticated caller's request: production serves no one else. */
const graphql = async (url: string, query: string): Promise<GraphQLResponse> =>
  (await post(url, { query }, PRODUCTION_AUTH)).body;
const introspection = (url: string) => graphql(url, getIntrospectionQuery());

describe('production defaults', () => {
  const service = useService(() => productionServiceFor(emulator.current));

  it('serves no GraphiQL page', async () => {
    await expectNoGraphiQL(service.current.url);
  });

  it('refuses introspection', async () => {
    const { data, errors } = await introspection(service.current.url);
    expect(data).toBeUndefined();
    expect(errors?.[0]?.message).toMatch(/introspection/i);
    const typename = await graphql(service.current.url, '{ __type(name: "Mutation") { name } }');
    expect(typename.errors?.[0]?.message).toMatch(/introspection/i);
  });

  it('hides "Did you mean" suggestions that would reveal the schema', async () => {
    const { errors } = await graphql(service.current.url, 'mutation { channelCancelMultiFlowSignQRCod }');
    expect(errors?.[0]?.message).toMatch(/^Cannot query field "channelCancelMultiFlowSignQRCod" on type "Mutation"\./);
    expect(errors?.[0]?.message).not.toContain('channelCancelMultiFlowSignQRCode"');
  });

  it('still answers operations', async () => {
    expect((await graphql(service.current.url, '{ mode }')).data).toEqual({ mode: 'PRODUCTION' });
  });
});

describe('production with GRAPHIQL=true and INTROSPECTION=true', () => {
  const service = useService(() => productionServiceFor(emulator.current, { GRAPHIQL: 'true', INTROSPECTION: 'true' }));

  it('serves GraphiQL and answers introspection', async () => {
    const res = await graphiqlPage(service.current.url);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('<title>Tencent e-sign GraphQL</title>');
    const { data, errors } = await introspection(service.current.url);
    expect(errors).toBeUndefined();
    expect(data?.__schema).toMatchObject({ mutationType: { name: 'Mutation' } });
  });
});

describe('outside production', () => {
  const start = useServices(emulator);

  it('GRAPHIQL=false and INTROSPECTION=false turn them off', async () => {
    const service = await start({ GRAPHIQL: 'false', INTROSPECTION: 'false' });
    await expectNoGraphiQL(service.url);
    expect((await introspection(service.url)).errors?.[0]?.message).toMatch(/introspection/i);
  });
});
