// The aims extension for VS Code: starts `aims lsp` (the aims language server) over stdio for
// .aims files. Highlighting comes from syntaxes/aims.tmLanguage.json; everything else
// (diagnostics, hover, completion, formatting, ...) from the server.
'use strict';
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

// The standard library is built into `aims`: go to definition on `A.7.4` leads to a document
// such as `aims-stdlib:///standards/iso42001.aims`, whose text only the server has. VS Code
// shows documents of a content provider read-only.
const STDLIB_SCHEME = 'aims-stdlib';
const STDLIB_SOURCE = 'aims/stdlibSource';

let client;

// The text of an `aims-stdlib:` document, asked of the running server.
const stdlibDocuments = {
  async provideTextDocumentContent(uri, token) {
    if (!client) {
      throw new Error(`aims: the language server is not running, so \`${uri.toString()}\` cannot be shown`);
    }
    return client.sendRequest(STDLIB_SOURCE, { uri: uri.toString() }, token);
  },
};

function serverOptions() {
  const config = vscode.workspace.getConfiguration('aims');
  const command = config.get('server.path', 'aims') || 'aims';
  const args = ['lsp', ...config.get('server.extraArgs', [])];
  const run = { command, args, transport: TransportKind.stdio };
  return { run, debug: run };
}

async function start() {
  const options = serverOptions();
  client = new LanguageClient('aims', 'aims language server', options, {
    documentSelector: [{ scheme: 'file', language: 'aims' }],
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.aims') },
  });
  try {
    await client.start();
  } catch (err) {
    vscode.window.showErrorMessage(
      `aims: could not start \`${options.run.command} lsp\` (${err && err.message}); ` +
        'install aims or set `aims.server.path` to the aims program',
    );
  }
}

async function restart() {
  if (client) {
    await client.stop();
  }
  await start();
}

async function activate(context) {
  context.subscriptions.push(vscode.commands.registerCommand('aims.restartServer', restart));
  context.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(STDLIB_SCHEME, stdlibDocuments));
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('aims.server')) {
        restart();
      }
    }),
  );
  await start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate, STDLIB_SCHEME, STDLIB_SOURCE };
