/**
 * docs/frontend.md's recipe for dropping a cancelled QR code from Apollo Client 4's cache, run as written against the
 * service: the record the app keeps for the code is gone once the mutation answers with its `qrCodeId`.
 */
import { ApolloClient, gql, HttpLink, InMemoryCache } from '@apollo/client';
import { describe, expect, it } from 'vitest';
import { CancelQrCode } from '../../examples/web/src/operations.js';
import { possibleTypes } from '../../client/possible-types.js';
import { loadConfig } from '../../src/config/index.js';
import { startService } from '../../src/server/service.js';
import { DEMO_AGENT, EMPTY_HOME, SANDBOX_ENV, seedQrCode, useService } from '../support/service.js';

describe('evicting what a mutation cancelled', () => {
  const service = useService(() => startService(loadConfig(SANDBOX_ENV, EMPTY_HOME), false));

  it('drops the app’s record of a QR code from Apollo’s cache by the qrCodeId the success names', async () => {
    const apollo = new ApolloClient({
      link: new HttpLink({ uri: service.current.url }),
      cache: new InMemoryCache({ possibleTypes }),
    });
    const qrCodeId = seedQrCode(service.current.emulator!);
    // The app's own record of the code (from its own API): a `QrCode` keyed by its id.
    apollo.cache.writeFragment({
      fragment: gql`fragment Shown on QrCode { id label }`,
      data: { __typename: 'QrCode', id: qrCodeId, label: 'Ward 3 consent form' },
    });
    expect(apollo.cache.extract()).toHaveProperty(`QrCode:${qrCodeId}`);

    await apollo.mutate({
      mutation: CancelQrCode,
      variables: { input: { agent: DEMO_AGENT, qrCodeId } },
      update(cache, { data }) {
        const result = data?.channelCancelMultiFlowSignQRCode;
        if (result?.__typename !== 'ChannelCancelMultiFlowSignQRCodeSuccess') return;
        cache.evict({ id: cache.identify({ __typename: 'QrCode', id: result.qrCodeId }) });
        cache.gc();
      },
    });
    expect(apollo.cache.extract()).not.toHaveProperty(`QrCode:${qrCodeId}`);
  });
});
