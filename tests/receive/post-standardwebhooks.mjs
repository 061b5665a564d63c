// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Posts webhooks signed by npm's `standardwebhooks` (the specification's reference
// library) to a WhReceiver, and checks what the receiver answers. Run by test-receiver as
//
//   node post-standardwebhooks.mjs URL SECRET BODY
//
// with NODE_PATH pointing at the node_modules folder that holds `standardwebhooks`.
// Exits 0 if every answer is right, 1 otherwise, 77 if the package is not installed.

import { createRequire } from 'node:module';

// An ES module import does not look in NODE_PATH; require() does.
const require = createRequire(import.meta.url);

let Webhook;
try {
  ({ Webhook } = require('standardwebhooks'));
} catch (e) {
  console.error('npm package standardwebhooks not found in NODE_PATH');
  process.exit(77);
}

const [url, secret, body] = process.argv.slice(2);
if (!url || !secret || body === undefined) {
  console.error('usage: node post-standardwebhooks.mjs URL SECRET BODY');
  process.exit(2);
}

const webhook = new Webhook(secret);
let failures = 0;

async function post(name, id, text, expectedStatus, signedText = text) {
  const timestamp = new Date();
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'webhook-signature': webhook.sign(id, timestamp, signedText),
    },
    body: text,
  });
  const answer = await response.text();

  if (response.status === expectedStatus) {
    console.error(`ok: ${name}: ${response.status}`);
  } else {
    failures++;
    console.error(`FAILED: ${name}: ${response.status} (expected ${expectedStatus}) ${answer}`);
  }
}

await post('signed by standardwebhooks', 'msg_standardwebhooks', body, 200);
await post('the same webhook again', 'msg_standardwebhooks', body, 200);
await post('a changed body', 'msg_changed', body.replace('10.5', '1000'), 401, body);

process.exit(failures === 0 ? 0 : 1);
