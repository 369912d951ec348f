-- Drives `aims lsp` from a real Neovim (0.7.2 API: start_client + buf_attach_client), headless.
-- Writes what it saw, one fact per line, to $AIMS_OUT; tests/lsp_neovim.rs checks the facts.
local root, bin, out_path = vim.env.AIMS_ROOT, vim.env.AIMS_BIN, vim.env.AIMS_OUT
local out = {}
local function say(s) table.insert(out, s) end
local function finish()
  vim.fn.writefile(out, out_path)
  vim.cmd('qa!')
end

local ok, err = pcall(function()
  local published = {}
  vim.cmd('edit ' .. root .. '/systems.aims')
  local buf = vim.api.nvim_get_current_buf()
  local id = vim.lsp.start_client({
    name = 'aims',
    cmd = { bin, 'lsp' },
    root_dir = root,
    init_options = { asOf = '2026-11-22' },
    handlers = {
      ['textDocument/publishDiagnostics'] = function(_, result)
        published[result.uri] = result.diagnostics
      end,
    },
  })
  vim.lsp.buf_attach_client(buf, id)
  local uri = vim.uri_from_bufnr(buf)
  local got = vim.wait(30000, function() return published[uri] ~= nil end, 50)
  say('diagnostics-received ' .. tostring(got))
  local diags = published[uri] or {}
  say('diagnostics ' .. #diags)
  for _, d in ipairs(diags) do
    say('diagnostic ' .. (d.range.start.line + 1) .. ' ' .. tostring(d.code) .. ' ' .. d.message:gsub('\n.*', ''))
  end
  local client = vim.lsp.get_client_by_id(id)

  -- The cursor on `cto` in `owner: cto` (line 4; the column depends on the alignment).
  local line4 = vim.api.nvim_buf_get_lines(buf, 3, 4, false)[1]
  local col = line4:find('cto', 1, true)
  vim.api.nvim_win_set_cursor(0, { 4, col })
  local params = vim.lsp.util.make_position_params()
  local hover = client.request_sync('textDocument/hover', params, 10000, buf)
  say('hover ' .. (hover and hover.result and hover.result.contents.value:gsub('\n.*', '') or 'none'))

  local def = client.request_sync('textDocument/definition', params, 10000, buf)
  local loc = def and def.result
  if loc and loc[1] then loc = loc[1] end
  say('definition ' .. (loc and (vim.fn.fnamemodify(vim.uri_to_fname(loc.uri), ':t') .. ':' .. (loc.range.start.line + 1)) or 'none'))

  params.newName = 'chief_tech'
  local rename = client.request_sync('textDocument/rename', params, 10000, buf)
  if rename and rename.result then
    vim.lsp.util.apply_workspace_edit(rename.result, client.offset_encoding)
    local files = 0
    for _, change in ipairs(rename.result.documentChanges or {}) do
      files = files + 1
      -- As lspconfig does for every buffer of the filetype: the edited buffers are attached,
      -- so the server gets their unsaved text.
      vim.lsp.buf_attach_client(vim.uri_to_bufnr(change.textDocument.uri), id)
    end
    say('rename-files ' .. files)
  else
    say('rename-error ' .. vim.inspect(rename))
  end
  say('line4 ' .. vim.api.nvim_buf_get_lines(buf, 3, 4, false)[1])
  local org = vim.fn.bufnr(root .. '/organization.aims')
  local hits = 0
  for _, l in ipairs(vim.api.nvim_buf_get_lines(org, 0, -1, false)) do
    if l:find('chief_tech', 1, true) then hits = hits + 1 end
  end
  say('organization-mentions ' .. hits)

  -- After the rename the buffers are unsaved: the server must take them over the disk, so
  -- the spec still resolves. Wait for fresh diagnostics of systems.aims without E0203.
  -- The edits reach the server as several changes, each possibly followed by a publication:
  -- wait (up to 30 s) for one without unknown references.
  local function unknown_references()
    local n = 0
    for _, d in ipairs(published[uri] or {}) do
      if d.code == 'E0203' then n = n + 1 end
    end
    return n
  end
  published[uri] = nil
  vim.wait(30000, function() return published[uri] ~= nil and unknown_references() == 0 end, 50)
  local unknown = unknown_references()
  say('unknown-references-after-rename ' .. unknown)
  client.stop()
  vim.wait(5000, function() return client.is_stopped() end, 50)
  say('stopped ' .. tostring(client.is_stopped()))
end)
if not ok then say('lua-error ' .. tostring(err)) end
finish()
