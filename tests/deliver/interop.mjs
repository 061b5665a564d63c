// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Checks libwebhooks' signatures against npm's `standardwebhooks`, the reference
// JavaScript library of the specification: what we sign, it verifies, and what it
// signs, we verify. Run by meson as
//
//   node interop.mjs /path/to/sign-tool
//
// with NODE_PATH pointing at the node_modules folder that holds `standardwebhooks`
// (tools/setup.sh installs it). Prints TAP; exits non-zero if a check fails.

import { createRequire } from 'node:module';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// An ES module import does not look in NODE_PATH; require() does.
const require = createRequire(import.meta.url);

let Webhook;
try {
  ({ Webhook } = require('standardwebhooks'));
} catch (e) {
  console.log('1..0 # SKIP npm package standardwebhooks not found in NODE_PATH; run tools/setup.sh');
  process.exit(0);
}

const signTool = process.argv[2];
if (!signTool) {
  console.error('usage: node interop.mjs SIGN-TOOL');
  process.exit(2);
}

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wh-interop-'));
process.on('exit', () => fs.rmSync(workDir, { recursive: true, force: true }));

let count = 0;
let failures = 0;

function check(name, fn) {
  count++;
  try {
    fn();
    console.log(`ok ${count} ${name}`);
  } catch (e) {
    failures++;
    console.log(`not ok ${count} ${name}`);
    for (const line of String(e && e.stack ? e.stack : e).split('\n'))
      console.log(`# ${line}`);
  }
}

function assert(condition, message) {
  if (!condition)
    throw new Error(message);
}

function writeBody(text) {
  const file = path.join(workDir, `body-${count}-${Math.random().toString(36).slice(2)}`);
  fs.writeFileSync(file, Buffer.from(text, 'utf8'));
  return file;
}

function ourSign(secret, id, timestamp, text) {
  return execFileSync(signTool, ['sign', secret, id, String(timestamp), writeBody(text)],
                      { encoding: 'utf8' }).trim();
}

// True if libwebhooks accepts the signature, false if it refuses it; throws if the tool
// itself failed (a usage or file error), so that a broken tool cannot pass as "refused".
function ourVerify(secret, id, timestamp, signature, text) {
  const result = spawnSync(signTool,
                           ['verify', secret, id, String(timestamp), signature, writeBody(text)],
                           { encoding: 'utf8' });
  if (result.status === 0)
    return true;
  if (result.status === 1)
    return false;
  throw new Error(`sign-tool failed (${result.status ?? result.signal}): ${result.stderr}`);
}

function theirVerify(secret, id, timestamp, signature, text) {
  const wh = new Webhook(secret);
  try {
    wh.verify(text, {
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signature,
    }, { jsonParse: false });
    return true;
  } catch (e) {
    if (e.name === 'WebhookVerificationError')
      return false;
    throw e;
  }
}

function nowSeconds() {
  return Math.floor(Date.now() / 1000);
}

const payloads = {
  'JSON': '{"event":"new-payment","data":{"id":42,"amount":10.5}}',
  'non-ASCII': '{"name":"Grüße aus Köln","city":"東京","note":"naïve café 🎉"}',
  'right-to-left and combining marks': '{"text":"שלום עולם e\u0301 \u2067x\u2069"}',
  'newlines and spaces': '{\n  "a": 1,\n  "b": [1, 2, 3]\n}\n',
  'empty body': '',
  'large body (100 KiB)': JSON.stringify({ blob: 'ü'.repeat(50 * 1024) }),
};

const secret = execFileSync(signTool, ['secret'], { encoding: 'utf8' }).trim();
const otherSecret = 'whsec_' + Buffer.from('another key of twenty-four').toString('base64');

check('our generated secret is accepted by standardwebhooks', () => {
  assert(/^whsec_[A-Za-z0-9+/]{32}$/.test(secret), `unexpected secret ${secret}`);
  new Webhook(secret);
});

check('the specification example signs the same in both', () => {
  const specSecret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
  const body = '{"test": 2432232314}';
  const theirs = new Webhook(specSecret).sign(id, new Date(1614265330 * 1000), body);
  const ours = ourSign(specSecret, id, 1614265330, body);
  assert(ours === theirs, `ours ${ours}, theirs ${theirs}`);
  assert(ours === 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=', `got ${ours}`);
});

for (const [name, body] of Object.entries(payloads)) {
  const id = `msg_interop_${count}`;

  check(`${name}: our signature verifies with standardwebhooks`, () => {
    const ts = nowSeconds();
    const signature = ourSign(secret, id, ts, body);
    assert(theirVerify(secret, id, ts, signature, body), `refused ${signature}`);
  });

  check(`${name}: standardwebhooks' signature verifies with ours`, () => {
    const ts = nowSeconds();
    const signature = new Webhook(secret).sign(id, new Date(ts * 1000), body);
    assert(ourVerify(secret, id, ts, signature, body), `refused ${signature}`);
  });

  check(`${name}: both sign identically`, () => {
    const ts = 1700000000;
    const theirs = new Webhook(secret).sign(id, new Date(ts * 1000), body);
    const ours = ourSign(secret, id, ts, body);
    assert(ours === theirs, `ours ${ours}, theirs ${theirs}`);
  });

  check(`${name}: a changed body is refused by both`, () => {
    const ts = nowSeconds();
    const changed = body + ' ';
    const ours = ourSign(secret, id, ts, body);
    assert(!theirVerify(secret, id, ts, ours, changed), 'standardwebhooks accepted it');
    const theirs = new Webhook(secret).sign(id, new Date(ts * 1000), body);
    assert(!ourVerify(secret, id, ts, theirs, changed), 'libwebhooks accepted it');
  });
}

check('a secret without the whsec_ prefix works on both sides', () => {
  const bare = secret.slice('whsec_'.length);
  const ts = nowSeconds();
  const body = payloads['non-ASCII'];
  const ours = ourSign(bare, 'msg_bare', ts, body);
  assert(theirVerify(secret, 'msg_bare', ts, ours, body), 'standardwebhooks refused ours');
  const theirs = new Webhook(bare).sign('msg_bare', new Date(ts * 1000), body);
  assert(ourVerify(secret, 'msg_bare', ts, theirs, body), 'libwebhooks refused theirs');
});

check('rotation: a header with the old and the new signature verifies on both sides', () => {
  const ts = nowSeconds();
  const body = payloads.JSON;
  const header = [
    new Webhook(otherSecret).sign('msg_rot', new Date(ts * 1000), body),
    ourSign(secret, 'msg_rot', ts, body),
  ].join(' ');
  assert(ourVerify(secret, 'msg_rot', ts, header, body), 'libwebhooks refused it');
  assert(ourVerify(otherSecret, 'msg_rot', ts, header, body), 'libwebhooks refused the other secret');
  assert(theirVerify(secret, 'msg_rot', ts, header, body), 'standardwebhooks refused it');
});

check('unknown versions are skipped on both sides', () => {
  const ts = nowSeconds();
  const body = payloads.JSON;
  const header = `v1a,c29tZXRoaW5nIGVsc2U= ${ourSign(secret, 'msg_ver', ts, body)} v2,abc`;
  assert(ourVerify(secret, 'msg_ver', ts, header, body), 'libwebhooks refused it');
  assert(theirVerify(secret, 'msg_ver', ts, header, body), 'standardwebhooks refused it');
});

check('a ten-minute-old signature is refused by both', () => {
  const ts = nowSeconds() - 600;
  const body = payloads.JSON;
  const ours = ourSign(secret, 'msg_old', ts, body);
  assert(!theirVerify(secret, 'msg_old', ts, ours, body), 'standardwebhooks accepted it');
  assert(!ourVerify(secret, 'msg_old', ts, ours, body), 'libwebhooks accepted it');
});

console.log(`1..${count}`);
process.exit(failures === 0 ? 0 : 1);
