// Loads extension.js with stand-ins for the `vscode` API and the language client, and checks
// that activating it starts `aims lsp` over stdio for .aims files, with the configured path.
'use strict';
const assert = require('assert');
const Module = require('module');

const started = [];
let settings = { 'server.path': '/opt/aims/bin/aims', 'server.extraArgs': ['--stdlib', 'std'] };
const vscode = {
  workspace: {
    getConfiguration: (section) => {
      assert.strictEqual(section, 'aims');
      return { get: (key, fallback) => (key in settings ? settings[key] : fallback) };
    },
    createFileSystemWatcher: (glob) => ({ glob, dispose() {} }),
    onDidChangeConfiguration: () => ({ dispose() {} }),
  },
  window: { showErrorMessage: (m) => { throw new Error('unexpected error message: ' + m); } },
  commands: { registerCommand: (name, fn) => ({ name, fn, dispose() {} }) },
};
class LanguageClient {
  constructor(id, name, serverOptions, clientOptions) {
    Object.assign(this, { id, name, serverOptions, clientOptions, running: false });
    started.push(this);
  }
  start() { this.running = true; return Promise.resolve(); }
  stop() { this.running = false; return Promise.resolve(); }
}
const fakes = {
  vscode,
  'vscode-languageclient/node': { LanguageClient, TransportKind: { stdio: 0 } },
};
const load = Module._load;
Module._load = function (request, ...rest) {
  return request in fakes ? fakes[request] : load.call(this, request, ...rest);
};

(async () => {
  const ext = require('../extension.js');
  const context = { subscriptions: [] };
  await ext.activate(context);
  assert.strictEqual(started.length, 1);
  const client = started[0];
  assert.strictEqual(client.id, 'aims');
  assert.deepStrictEqual(client.serverOptions.run, {
    command: '/opt/aims/bin/aims', args: ['lsp', '--stdlib', 'std'], transport: 0,
  });
  assert.deepStrictEqual(client.clientOptions.documentSelector, [{ scheme: 'file', language: 'aims' }]);
  assert.strictEqual(client.clientOptions.synchronize.fileEvents.glob, '**/*.aims');
  assert.ok(client.running, 'the client is started');
  assert.ok(context.subscriptions.some((s) => s.name === 'aims.restartServer'));

  // Without a setting, `aims` is looked up on PATH.
  settings = {};
  started.length = 0;
  await context.subscriptions.find((s) => s.name === 'aims.restartServer').fn();
  assert.strictEqual(started.length, 1);
  assert.strictEqual(started[0].serverOptions.run.command, 'aims');

  await ext.deactivate();
  assert.ok(!started[0].running, 'the client is stopped on deactivation');
  console.log('extension.test.js: ok');
})().catch((e) => { console.error(e); process.exit(1); });
