// Loads extension.js with stand-ins for the `vscode` API and the language client, and checks
// that activating it starts `aims lsp` over stdio for .aims files, with the configured path,
// and registers the provider of `aims-stdlib:` documents. With `AIMS_BIN` set (tests/vscode.rs
// sets it to the aims it built), the stand-in client forwards requests to a real `aims lsp`,
// and go to definition into the stdlib is followed through the provider.
'use strict';
const assert = require('assert');
const Module = require('module');
const path = require('path');
const fs = require('fs');

const started = [];
const providers = {};
// The connection to a real `aims lsp`, when there is one; else requests get a stand-in answer.
let server = null;
let settings = { 'server.path': '/opt/aims/bin/aims', 'server.extraArgs': ['--stdlib', 'std'] };
const vscode = {
  workspace: {
    getConfiguration: (section) => {
      assert.strictEqual(section, 'aims');
      return { get: (key, fallback) => (key in settings ? settings[key] : fallback) };
    },
    createFileSystemWatcher: (glob) => ({ glob, dispose() {} }),
    registerTextDocumentContentProvider: (scheme, provider) => {
      providers[scheme] = provider;
      return { scheme, dispose() {} };
    },
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
  sendRequest(method, params) {
    this.sent = (this.sent || []).concat([{ method, params }]);
    return server ? server.conn.sendRequest(method, params) : Promise.resolve(`text of ${params.uri}`);
  }
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

  // `aims-stdlib:` documents come from the server's `aims/stdlibSource`.
  const provider = providers['aims-stdlib'];
  assert.ok(provider, 'a content provider is registered for aims-stdlib:');
  assert.ok(context.subscriptions.some((s) => s.scheme === 'aims-stdlib'), 'and disposed with the extension');
  const stdlibUri = (p) => ({ toString: () => `aims-stdlib:///${p}` });
  const text = await provider.provideTextDocumentContent(stdlibUri('standards/iso42001.aims'));
  assert.strictEqual(text, 'text of aims-stdlib:///standards/iso42001.aims');
  assert.deepStrictEqual(started[0].sent, [
    { method: 'aims/stdlibSource', params: { uri: 'aims-stdlib:///standards/iso42001.aims' } },
  ]);

  if (process.env.AIMS_BIN) {
    await withRealServer(process.env.AIMS_BIN, provider, stdlibUri);
  }

  await ext.deactivate();
  assert.ok(!started[0].running, 'the client is stopped on deactivation');
  console.log('extension.test.js: ok');
})().catch((e) => { console.error(e); process.exit(1); });

// The provider against a real `aims lsp`: every stdlib document it is asked for is the file of
// the repository's stdlib (built into that aims), and go to definition on a control ID leads
// to a place in such a document where that ID is written.
async function withRealServer(bin, provider, stdlibUri) {
  const rpc = require('vscode-jsonrpc/node');
  const { spawn } = require('child_process');
  const child = spawn(bin, ['lsp'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = rpc.createMessageConnection(new rpc.StreamMessageReader(child.stdout), new rpc.StreamMessageWriter(child.stdin));
  conn.listen();
  server = { conn, child };
  await conn.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {}, initializationOptions: { asOf: '2026-11-22' } });
  conn.sendNotification('initialized', {});

  const stdlib = path.join(__dirname, '..', '..', '..', 'stdlib');
  const file = 'standards/iso42001.aims';
  assert.strictEqual(await provider.provideTextDocumentContent(stdlibUri(file)), fs.readFileSync(path.join(stdlib, file), 'utf8'));
  await assert.rejects(provider.provideTextDocumentContent(stdlibUri('schema/nothing.aims')), /is not a file of the aims standard library/);

  const spec = [
    'person priya { email: "priya@example.org" }',
    'system triage { owner: priya  purpose: "Orders arrivals"  tier: 1 }',
    'risk r1 "Undertriage" {',
    '  system: triage  owner: priya  objective: safety  likelihood: possible  impact: major',
    '  treatment { option: mitigate  controls: [A.6.2.4]  due: 2027-03-31 }',
    '}',
    '',
  ].join('\n');
  const uri = 'file:///vscode-test/risks.aims';
  conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'aims', version: 1, text: spec } });
  const line = 4;
  const character = spec.split('\n')[line].indexOf('A.6.2.4') + 2;
  const found = await conn.sendRequest('textDocument/definition', { textDocument: { uri }, position: { line, character } });
  const target = Array.isArray(found) ? found[0] : found;
  assert.ok(target && target.uri.startsWith('aims-stdlib:///'), `definition leads into the stdlib: ${JSON.stringify(found)}`);
  const shown = await provider.provideTextDocumentContent({ toString: () => target.uri });
  const at = shown.split('\n')[target.range.start.line].slice(target.range.start.character, target.range.end.character);
  assert.strictEqual(at, 'A.6.2.4', `the definition's range in ${target.uri}`);

  await conn.sendRequest('shutdown');
  conn.sendNotification('exit');
  await new Promise((done) => child.on('exit', done));
  conn.dispose();
  server = null;
  console.log('extension.test.js: aims-stdlib documents from a real aims lsp: ok');
}
