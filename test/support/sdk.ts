/** Test helpers for Tencent's official Node SDK (a dev dependency only), pointed at a loopback server. */
import { Agent as HttpAgent } from 'node:http';

// The SDK takes the service name for the signature from the endpoint's first label, so it must be given a host name
// such as `essbasic.emulator.test`; this agent resolves every name to loopback.
export const loopbackAgent = new HttpAgent({
  lookup: ((_host: string, options: { all?: boolean }, callback: (error: null, ...answer: unknown[]) => void) =>
    options.all ? callback(null, [{ address: '127.0.0.1', family: 4 }]) : callback(null, '127.0.0.1', 4)) as never,
});

/** The SDK's `profile` for a service on the server at `url`: `<service>.emulator.test:<port>` over plain HTTP. */
export function sdkProfile(service: string, url: string) {
  return {
    httpProfile: {
      endpoint: `${service}.emulator.test:${new URL(url).port}`,
      protocol: 'http://',
      reqTimeout: 5,
      agent: loopbackAgent,
    },
  };
}
