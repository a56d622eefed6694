package ranged

import (
	"bytes"
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/source"
)

// A Python tool reading ctx.request_context.lifespan_context depends on the
// server's lifespan function through no shared name (the server that names
// it may even be broken): an edit of the lifespan must re-extract the tool.
func TestLifespanEditReachesTools(t *testing.T) {
	const text = `from contextlib import asynccontextmanager
import httpx
from mcp.server.fastmcp import FastMCP, Context

@asynccontextmanager
async def app_ctx(server):
    client = httpx.AsyncClient()
    yield {"http": client}

astMCP("b", lifespan=app_ctx)

@mcp.tool()
async def fetch(url: str, ctx: Context) -> str:
    r = await ctx.request_context.lifespan_context["http"].get(url)
    return r.text
`
	for _, edit := range [][2]string{
		{"httpx.AsyncClient()", "ht.AsyncClient()"},
		{`yield {"http": client}`, `yield {"web": client}`},
	} {
		orig := []byte(text)
		_, st := full(t, "a.py", source.Python, orig)
		next := []byte(strings.Replace(text, edit[0], edit[1], 1))
		want, _ := full(t, "a.py", source.Python, next)
		hf, done := withFull(hooks("a.py", source.Python), source.Python, next)
		got, _, err := st.Update(next, nil, hf)
		done()
		if err != nil {
			continue // a whole-file extraction is as right
		}
		if g, w := Canonical(got), Canonical(want); !bytes.Equal(g, w) {
			t.Errorf("%s → %s: ranged facts differ from whole-file facts\n%s", edit[0], edit[1], firstDiff(g, w))
		}
	}
}
