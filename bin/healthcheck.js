#!/usr/bin/env node
// The image's HEALTHCHECK: slim images have no curl. Exits 0 when GET /readyz on HTTP_ADDR's
// port on loopback answers 200 within 4 s (the database answers and the signing key is loaded;
// /readyz itself gives up after MONGODB_TIMEOUT_MS, 3 s by default), 1 otherwise.
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';

const port = (process.env.HTTP_ADDR ?? '0.0.0.0:5002').split(':').pop();
// With TLS_CERT_FILE the listener speaks TLS; its certificate is not this probe's concern.
const get = process.env.TLS_CERT_FILE ? httpsGet : httpGet;

const request = get(
  { host: '127.0.0.1', port, path: '/readyz', timeout: 4000, rejectUnauthorized: false },
  (response) => {
    response.resume();
    if (response.statusCode === 200) process.exit(0);
    process.stderr.write(`healthcheck: /readyz answered ${response.statusCode}\n`);
    process.exit(1);
  },
);
request.on('timeout', () => request.destroy(new Error('no answer within 4 s')));
request.on('error', (error) => {
  process.stderr.write(`healthcheck: ${error.message}\n`);
  process.exit(1);
});
