-- Headless Neovim (0.7+) as an LSP client of misp-guard-language-server.
-- Opens the file given on the command line, waits for diagnostics, asks for the code actions of each one
-- and writes everything as JSON to $MISP_GUARD_NVIM_OUT. Started by test/e2e/nvim.test.ts.
--   LSP_CMD   JSON array: the server command, e.g. ["node","/path/dist/server.js","--stdio"]
local out = os.getenv('MISP_GUARD_NVIM_OUT')
local cmd = vim.fn.json_decode(os.getenv('LSP_CMD'))
local result = { nvim = tostring(vim.version().major) .. '.' .. vim.version().minor .. '.' .. vim.version().patch }
local started = vim.loop.hrtime()

local function finish(id)
  result.elapsed_ms = math.floor((vim.loop.hrtime() - started) / 1e6)
  vim.fn.writefile({ vim.fn.json_encode(result) }, out)
  if id then vim.lsp.stop_client(id) end
  vim.cmd('qall!')
end

local id = vim.lsp.start_client({ name = 'misp-guard', cmd = cmd, root_dir = vim.fn.getcwd() })
if not id then
  result.error = 'start_client failed'
  finish(nil)
  return
end
vim.lsp.buf_attach_client(0, id)

result.waited_ok = vim.wait(15000, function() return #vim.diagnostic.get(0) > 0 end, 20)
local diags = vim.diagnostic.get(0)
table.sort(diags, function(a, b) return a.lnum < b.lnum end)
result.diagnostics = vim.tbl_map(function(d)
  return { lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col, message = d.message,
    source = d.source, severity = d.severity, code = d.user_data and d.user_data.lsp and d.user_data.lsp.code,
    has_data = d.user_data and d.user_data.lsp and d.user_data.lsp.data ~= nil or false }
end, diags)

local client = vim.lsp.get_client_by_id(id)
result.code_action_provider = client and client.server_capabilities and client.server_capabilities.codeActionProvider and true or false

-- One textDocument/codeAction request for `d`'s range with `context_diags`; returns the answer as plain data.
local function code_actions(d, context_diags)
  local entry = { lnum = d.lnum, code = d.code, titles = {}, preferred = {}, commands = {}, kinds = {} }
  local resp = vim.lsp.buf_request_sync(0, 'textDocument/codeAction', {
    textDocument = vim.lsp.util.make_text_document_params(0),
    range = { start = { line = d.lnum, character = d.col }, ['end'] = { line = d.end_lnum, character = d.end_col } },
    context = { diagnostics = context_diags },
  }, 10000)
  local r = resp and resp[id]
  if not r then
    entry.error = 'no answer'
  elseif r.err or r.error then
    entry.error = vim.inspect(r.err or r.error)
  else
    for _, a in ipairs(r.result or {}) do
      table.insert(entry.titles, a.title)
      if a.isPreferred then table.insert(entry.preferred, a.title) end
      table.insert(entry.kinds, a.kind or '')
      table.insert(entry.commands, type(a.command) == 'table' and a.command.command or (a.edit and 'edit' or ''))
    end
  end
  return entry
end

result.code_actions = {}
if result.code_action_provider then
  for _, d in ipairs(diags) do
    -- As Neovim's own vim.lsp.buf.code_action() asks at the cursor: the line's diagnostics turned back into LSP
    -- ones by vim.lsp.diagnostic.get_line_diagnostics, which keeps range, code, source and `data` (0.7 keeps
    -- the server's `data` in user_data.lsp; passing user_data.lsp alone, without a range, breaks servers).
    table.insert(result.code_actions, code_actions(d, vim.lsp.diagnostic.get_line_diagnostics(0, d.lnum)))
  end
  -- The recipe's hand-made rebuild drops `data`: recorded to show what such a client gets.
  local first = diags[1]
  if first then
    result.code_actions_without_data = code_actions(first, { {
      range = { start = { line = first.lnum, character = first.col }, ['end'] = { line = first.end_lnum, character = first.end_col } },
      severity = first.severity, message = first.message, source = first.source, code = first.code,
    } }).titles
  end
end
finish(id)
