/**
 * Starts the clinic's server of server.ts from environment variables, as a process of its own:
 * TENCENT_ENDPOINT (ess and essbasic), TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY, TENCENT_ESSBASIC_APP_ID and
 * CLINIC_STAFF, a JSON object of session token → { name, organizationOpenId, operatorOpenId }. Prints the URL.
 */
import { type Staff, startClinicServer } from './server.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const endpoint = required('TENCENT_ENDPOINT');
const staff = JSON.parse(required('CLINIC_STAFF')) as Record<string, Staff>;
const server = await startClinicServer({
  endpoints: { ess: endpoint, essbasic: endpoint },
  credentials: { secretId: required('TENCENTCLOUD_SECRET_ID'), secretKey: required('TENCENTCLOUD_SECRET_KEY') },
  appId: required('TENCENT_ESSBASIC_APP_ID'),
  staffBySession: new Map(Object.entries(staff)),
});
console.log(`clinic server at ${server.url}`);
process.once('SIGTERM', () => void server.close());
