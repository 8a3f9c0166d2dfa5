/** Where each Tencent e-sign service lives, and the API version each action of it speaks. */

export const SERVICES = ['ess', 'essbasic'] as const;
export type Service = (typeof SERVICES)[number];

export const SERVICE_VERSIONS: Readonly<Record<Service, string>> = {
  ess: '2020-11-11',
  essbasic: '2021-05-26',
};

export const ESIGN_ENVIRONMENTS = ['production', 'test'] as const;
export type EsignEnvironment = (typeof ESIGN_ENVIRONMENTS)[number];

export type Endpoints = Readonly<Record<Service, string>>;

export const ENVIRONMENT_ENDPOINTS: Readonly<Record<EsignEnvironment, Endpoints>> = {
  production: {
    ess: 'https://ess.tencentcloudapi.com',
    essbasic: 'https://essbasic.tencentcloudapi.com',
  },
  // Tencent's e-sign joint-debugging (联调) environment.
  test: {
    ess: 'https://ess.test.ess.tencent.cn',
    essbasic: 'https://essbasic.test.ess.tencent.cn',
  },
};
