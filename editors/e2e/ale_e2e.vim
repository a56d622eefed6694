" Headless Vim + ALE end-to-end test of mcpriv's documented ALE setup.
"   MCPRIV=/path/to/mcpriv ALE_CONFIG=/abs/ale-config.vim FILE=/abs/ws/src/index.ts \
"   MANIFEST=/abs/ws/mcp-capabilities.yaml OUT=/abs/result.json \
"   vim -N -u NONE -i NONE -es -S ale_e2e.vim
" ALE_CONFIG is the snippet from docs/editors.md (the Go test extracts it).
" Exit status: 0 all steps passed, non-zero otherwise.
set nocompatible hidden
let &runtimepath = (empty($ALE_DIR) ? '/usr/share/vim-ale' : $ALE_DIR) . ',' . &runtimepath
filetype plugin on
runtime plugin/ale.vim
let g:mcpriv_executable = $MCPRIV
execute 'source ' . fnameescape($ALE_CONFIG)
let g:ale_linters = {'typescript': ['mcpriv'], 'yaml': ['mcpriv']}
let g:ale_lint_on_enter = 1
let g:ale_set_loclist = 0
let g:ale_set_quickfix = 0
let g:ale_echo_cursor = 0
let g:ale_set_balloons = 0
let g:ale_virtualtext_cursor = 'disabled'

let s:t0 = reltime()
let s:res = {'steps': [], 'vim': v:version}
function! s:Step(name, ok, detail) abort
  call add(s:res.steps, {'name': a:name, 'ok': a:ok ? v:true : v:false,
  \ 'ms': float2nr(reltimefloat(reltime(s:t0)) * 1000), 'detail': a:detail})
endfunction
" Jobs and timers run while :sleep waits, even in -es mode.
function! s:Wait(expr, ms) abort
  let l:n = 0
  while !eval(a:expr) && l:n < a:ms
    sleep 50m
    let l:n += 50
  endwhile
  return eval(a:expr)
endfunction
function! s:Finish() abort
  let s:res.ok = len(filter(copy(s:res.steps), '!v:val.ok')) == 0 ? v:true : v:false
  call writefile([json_encode(s:res)], $OUT)
  execute s:res.ok ? 'qall!' : 'cquit!'
endfunction
function! s:Text(f) abort
  " ALE applies edits to files that are not open into hidden buffers.
  return bufloaded(a:f) ? join(getbufline(bufnr(a:f), 1, '$'), "\n") : join(readfile(a:f), "\n")
endfunction
function! s:WriteDiag() abort
  for l:d in get(get(g:ale_buffer_info, s:buf, {}), 'loclist', [])
    if get(l:d, 'linter_name', '') is# 'mcpriv' && get(l:d, 'code', '') is# 'file.write' && l:d.lnum == s:wline
      return l:d
    endif
  endfor
  return {}
endfunction

" ALE asks through ale#util#Input: answer its code-action menu by title.
runtime autoload/ale/util.vim
function! ale#util#Input(message, value, ...) abort
  for l:line in split(a:message, "\n")
    if l:line =~# '^\d\+) Declare file\.write.* for tool .*save_note'
      let s:picked = l:line
      return matchstr(l:line, '^\d\+')
    endif
  endfor
  let s:menu = a:message
  return ''
endfunction

try
  execute 'edit ' . fnameescape($FILE)
  let s:buf = bufnr('')
  let s:wline = search('fs\.writeFile', 'w')
  let s:wcol = col('.')
  ALELint
  call s:Wait('!empty(s:WriteDiag())', 30000)
  let s:d = s:WriteDiag()
  let s:ll = get(get(g:ale_buffer_info, s:buf, {}), 'loclist', [])
  call s:Step('diagnostics', !empty(s:d) && get(s:d, 'type', '') =~# '[EW]',
  \ map(copy(s:ll), '{"lnum": v:val.lnum, "col": v:val.col, "code": get(v:val, "code", ""), "type": v:val.type, "text": v:val.text}'))

  " Hover through ALE's raw request API (ALEHover only echoes).
  let s:hover = v:null
  function! s:OnHover(resp) abort
    let s:hover = a:resp
  endfunction
  call ale#lsp_linter#SendRequest(s:buf, 'mcpriv', [0, 'textDocument/hover', {
  \ 'textDocument': {'uri': ale#path#ToFileURI(expand('%:p'))},
  \ 'position': {'line': s:wline - 1, 'character': s:wcol + 3}}], function('s:OnHover'))
  call s:Wait('s:hover isnot v:null', 10000)
  let s:h = s:hover is v:null ? '' : get(get(s:hover, 'result', {}), 'contents', '')
  let s:h = type(s:h) == v:t_dict ? get(s:h, 'value', '') : type(s:h) == v:t_string ? s:h : string(s:h)
  call s:Step('hover', stridx(s:h, 'file.write') >= 0, s:h)

  " Quick fix via :ALECodeAction; the edit targets the unopened manifest.
  call cursor(s:wline, s:wcol + 4)
  let s:before = s:Text($MANIFEST)
  ALECodeAction
  let s:cond = 's:Text($MANIFEST) !=# s:before && stridx(s:Text($MANIFEST), "save_note") >= 0'
  call s:Wait(s:cond, 15000)
  silent! wall
  let s:disk = join(readfile($MANIFEST), "\n")
  call s:Step('quick_fix', eval(s:cond) && stridx(s:disk, 'save_note:') >= 0 && stridx(s:disk, 'file.write') >= 0,
  \ {'picked': get(s:, 'picked', ''), 'menu': get(s:, 'menu', ''), 'manifest': s:disk})

  " The saved manifest declares the write: the undeclared finding goes. (ALE
  " 3.3 shows LSP information as type W, so compare the finding, not the type.)
  execute 'buffer ' . s:buf
  let s:undeclared = get(s:d, 'text', '')
  let s:gone = 'empty(s:WriteDiag()) || s:WriteDiag().text !=# s:undeclared'
  if !s:Wait(s:gone, 10000)
    ALELint
    call s:Wait(s:gone, 10000)
  endif
  call s:Step('diagnostic_after_fix', eval(s:gone), {'before': s:undeclared, 'after': s:WriteDiag()})
catch
  call s:Step('error', 0, v:exception . ' @ ' . v:throwpoint)
endtry
call s:Finish()
