import type { AUTO_SIGN_SCENE_KEYS, ID_CARD_TYPES } from '../tencent/ess.js';
import { builder } from './builder.js';

export const AutoSignSceneKey = builder.enumType('AutoSignSceneKey', {
  description: 'The scene an auto-sign enablement belongs to.',
  values: {
    E_PRESCRIPTION_AUTO_SIGN: { description: 'Automatic signing of electronic prescriptions (处方单).' },
    OTHER: { description: 'Any other whitelisted auto-sign scene.' },
  } satisfies Record<(typeof AUTO_SIGN_SCENE_KEYS)[number], unknown>,
});

export const IdCardType = builder.enumType('IdCardType', {
  description: 'The kind of identity document a person is identified by.',
  values: {
    ID_CARD: {
      description: 'Mainland resident identity card (居民身份证): 18 characters, 17 digits then a digit or X.',
    },
    HONGKONG_AND_MACAO: {
      description:
        'Mainland travel permit for Hong Kong and Macao residents (港澳居民来往内地通行证): H or M, then 10 digits.',
    },
    HONGKONG_MACAO_AND_TAIWAN: {
      description:
        'Residence permit for Hong Kong, Macao and Taiwan residents (港澳台居民居住证): formatted like an ID card.',
    },
  } satisfies Record<(typeof ID_CARD_TYPES)[number], unknown>,
});

export const ServiceModeEnum = builder.enumType('ServiceMode', {
  description: 'Where this service sends its calls.',
  values: {
    SANDBOX: { description: 'The built-in e-sign emulator with demo data; nothing reaches Tencent.' },
    TEST: { description: 'Tencent’s e-sign test (joint-debugging) environment.' },
    PRODUCTION: { description: 'Tencent’s production e-sign service.' },
  },
});
