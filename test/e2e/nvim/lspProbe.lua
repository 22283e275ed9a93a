-- Headless Neovim (0.7+) as an LSP client of misp-guard-language-server.
-- Opens the file given on the command line, waits for diagnostics, asks for code actions on the first one
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
    source = d.source, severity = d.severity, code = d.user_data and d.user_data.lsp and d.user_data.lsp.code }
end, diags)

-- 0.7 keeps only {code} in user_data.lsp: rebuild LSP diagnostics for the codeAction context.
local ctx = vim.tbl_map(function(d)
  return { range = { start = { line = d.lnum, character = d.col }, ['end'] = { line = d.end_lnum, character = d.end_col } },
    severity = d.severity, message = d.message, source = d.source, code = d.code }
end, result.diagnostics)
local client = vim.lsp.get_client_by_id(id)
result.code_action_provider = client and client.server_capabilities and client.server_capabilities.codeActionProvider and true or false
local first = ctx[1]
result.code_actions = {}
if first and result.code_action_provider then
  local resp = vim.lsp.buf_request_sync(0, 'textDocument/codeAction', {
    textDocument = vim.lsp.util.make_text_document_params(0),
    range = first.range,
    context = { diagnostics = { first } },
  }, 10000)
  local r = resp and resp[id]
  if not r then
    result.code_action_error = 'no answer'
  elseif r.err or r.error then
    result.code_action_error = vim.inspect(r.err or r.error)
  else
    for _, a in ipairs(r.result or {}) do table.insert(result.code_actions, a.title) end
  end
end
finish(id)
