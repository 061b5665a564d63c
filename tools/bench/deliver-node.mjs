// SPDX-License-Identifier: LGPL-2.1-or-later
//
// The Node.js peer of the delivery benchmark (tools/bench/deliver-run.sh): it sends COUNT
// webhooks as a straightforward Node.js sender would, each signed on its own with npm's
// `standardwebhooks` (a new webhook-id and webhook-timestamp per request), over node's
// http with a keep-alive Agent limited to CONNECTIONS sockets, with IN_FLIGHT requests
// outstanding at once (the agent queues those above its sockets, as libsoup does above
// its connection limit):
//
//   node deliver-node.mjs URL BODY-FILE SECRET COUNT CONNECTIONS IN_FLIGHT
//
// with NODE_PATH pointing at the node_modules folder that holds `standardwebhooks`. It
// prints `key value` lines: sent, succeeded, failed, seconds, rate, sockets (how many
// sockets the agent opened), cpu_us (CPU time per delivery, every thread) and cpu_load.
// Only a 2xx counts as delivered, as for the dispatcher.

import { createRequire } from 'node:module';
import fs from 'node:fs';
import http from 'node:http';

// An ES module import does not look in NODE_PATH; require() does.
const require = createRequire(import.meta.url);
const { Webhook } = require('standardwebhooks');

const [url, bodyFile, secret, countText, connectionsText, inFlightText] = process.argv.slice(2);
if (!inFlightText) {
  console.error('usage: node deliver-node.mjs URL BODY-FILE SECRET COUNT CONNECTIONS IN_FLIGHT');
  process.exit(2);
}

const count = Number(countText);
const connections = Number(connectionsText);
const inFlight = Math.min(Number(inFlightText), count);
// A string, as standardwebhooks signs strings; the body is ASCII JSON, so it is sent as
// the same bytes the dispatcher sends.
const body = fs.readFileSync(bodyFile, 'utf8');
const contentLength = String(Buffer.byteLength(body));
const target = new URL(url);
const webhook = new Webhook(secret);
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });

let sockets = 0;
const createConnection = agent.createConnection.bind(agent);
agent.createConnection = (...args) => {
  sockets++;
  return createConnection(...args);
};

let next = 0;
let succeeded = 0;
let failed = 0;
let firstFailure = null;

function sendOne() {
  return new Promise((resolve) => {
    const id = `msg_node${String(next++).padStart(10, '0')}`;
    const now = new Date();
    const headers = {
      'content-type': 'application/json',
      'content-length': contentLength,
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': webhook.sign(id, now, body),
    };
    const request = http.request({
      agent,
      method: 'POST',
      hostname: target.hostname,
      port: target.port,
      path: target.pathname + target.search,
      headers,
    }, (response) => {
      // Read the answer to its end so that the socket goes back to the agent.
      response.resume();
      response.on('end', () => {
        if (response.statusCode >= 200 && response.statusCode < 300)
          succeeded++;
        else {
          failed++;
          firstFailure ??= `status ${response.statusCode}`;
        }
        resolve();
      });
    });
    request.on('error', (error) => {
      failed++;
      firstFailure ??= String(error);
      resolve();
    });
    request.end(body);
  });
}

async function worker() {
  while (next < count)
    await sendOne();
}

const start = process.hrtime.bigint();
const cpuStart = process.cpuUsage();
await Promise.all(Array.from({ length: inFlight }, worker));
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
const cpu = process.cpuUsage(cpuStart);
const cpuMicroseconds = cpu.user + cpu.system;
agent.destroy();

console.log(`sent ${next}`);
console.log(`succeeded ${succeeded}`);
console.log(`failed ${failed}`);
if (firstFailure)
  console.log(`first_failure ${firstFailure}`);
console.log(`seconds ${seconds.toFixed(3)}`);
console.log(`rate ${Math.round(succeeded / seconds)}`);
console.log(`sockets ${sockets}`);
// CPU time (every thread, user and system) per delivery, and the share of one core used.
console.log(`cpu_us ${(cpuMicroseconds / Math.max(succeeded, 1)).toFixed(1)}`);
console.log(`cpu_load ${(cpuMicroseconds / (seconds * 1e6)).toFixed(2)}`);
