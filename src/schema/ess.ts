/** GraphQL types and mutations for ess (电子签企业版) actions. */
import { cancelUserAutoSignEnableUrl } from '../resolvers/ess.js';
import { CancelUserAutoSignEnableUrl } from '../tencent/ess.js';
import { builder } from './builder.js';
import { AutoSignSceneKey, IdCardType } from './enums.js';
import { actionMutation } from './results.js';

const UserThreeFactorInput = builder.inputType('UserThreeFactorInput', {
  description: 'A person identified by name and identity document (Tencent’s `UserThreeFactor`).',
  fields: (t) => ({
    name: t.string({
      required: true,
      description: 'Full name; surrounding spaces are trimmed, and it must not be empty.',
    }),
    idCardType: t.field({ type: IdCardType, required: true, description: 'The kind of identity document.' }),
    idCardNumber: t.string({
      required: true,
      description:
        'Document number; surrounding spaces are trimmed and letters upper-cased (a trailing x becomes X). ID_CARD and HONGKONG_MACAO_AND_TAIWAN: 18 characters, 17 digits then a digit or X. HONGKONG_AND_MACAO: 11 characters, H or M then 10 digits.',
    }),
  }),
});

const EssOperatorInput = builder.inputType('EssOperatorInput', {
  description: 'The employee performing the call (Tencent’s `UserInfo`); needs permission for the auto-sign API.',
  fields: (t) => ({
    userId: t.string({
      required: true,
      description: 'The employee’s e-sign `UserId`; surrounding spaces are trimmed, and it must not be empty.',
    }),
  }),
});

const EssAgentInput = builder.inputType('EssAgentInput', {
  description: 'A group enterprise acting for one of its sub-enterprises (Tencent’s `Agent`).',
  fields: (t) => ({
    proxyOrganizationId: t.string({
      required: true,
      description: 'The sub-enterprise’s organisation id; surrounding spaces are trimmed, and it must not be empty.',
    }),
  }),
});

const CancelUserAutoSignEnableUrlInput = builder.inputType('CancelUserAutoSignEnableUrlInput', {
  description: 'Which person’s auto-sign enablement link to revoke.',
  fields: (t) => ({
    operator: t.field({
      type: EssOperatorInput,
      description:
        'Who performs the call. Required unless the service sets TENCENT_ESS_OPERATOR_USER_ID, which is used when this is absent.',
    }),
    sceneKey: t.field({ type: AutoSignSceneKey, required: true, description: 'The scene the link was created for.' }),
    userInfo: t.field({
      type: UserThreeFactorInput,
      required: true,
      description: 'The person the link was created for.',
    }),
    agent: t.field({ type: EssAgentInput, description: 'Set when a group enterprise acts for a sub-enterprise.' }),
  }),
});

actionMutation('cancelUserAutoSignEnableUrl', {
  action: CancelUserAutoSignEnableUrl,
  description:
    'Revokes the link a person would open to enable auto-sign (ess `CancelUserAutoSignEnableUrl`). If the person already completed enablement, the result is `AutoSignAlreadyEnabledError` and the enablement stands.',
  input: CancelUserAutoSignEnableUrlInput,
  successDescription: 'The enablement link was revoked; opening it no longer works.',
  successFields: (t) => ({
    sceneKey: t.expose('sceneKey', { type: AutoSignSceneKey, description: 'The scene the revoked link was for.' }),
    linkId: t.exposeID('linkId', {
      description:
        'Names the revoked link without its person in clear: the SHA-256 (lower-case hex) of `sceneKey`, `userInfo.idCardType`, `userInfo.idCardNumber` and `userInfo.name` as validated (trimmed, the number upper-cased), joined by line feeds, in UTF-8. A client computes the same from its input to key the link in its cache, and evicts it here: Apollo Client `cache.evict({ id: cache.identify({ __typename: "YourLink", id: linkId }) })` then `cache.gc()`; urql Graphcache `cache.invalidate({ __typename: "YourLink", id: linkId })`; Relay `linkId @deleteRecord`. Not anonymous: whoever can guess a person’s details can confirm them against it.',
    }),
  }),
  resolve: cancelUserAutoSignEnableUrl,
});
