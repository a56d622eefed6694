package jsts

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mcpriv/mcpriv/analysis/parse"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// genBundle writes a minified webpack-style bundle of about size bytes: a
// module table of externals and code modules that require them, with
// closures, classes, object literals and long expression lines.
func genBundle(size int) []byte {
	var b strings.Builder
	b.WriteString(`(()=>{var e={1:e=>{"use strict";e.exports=require("fs")},2:e=>{"use strict";e.exports=require("child_process")},3:e=>{"use strict";e.exports=require("https")},`)
	for i := 10; b.Len() < size; i++ {
		fmt.Fprintf(&b, `%d:(e,t,r)=>{"use strict";const n=r(1),o=r(2),s=r(%d);function a%d(e,t){if(!e)throw new Error("bad "+t);const i=n.readFileSync(e.path,"utf8").split("\n").map(e=>e.trim()).filter(Boolean);for(let r=0;r<i.length;r++){t.push({k:i[r],v:s.x(i[r],%d),u:`+"`https://api.example.com/${e.id}/${r}`"+`})}return i.length>0?i:null}class c%d extends Object{constructor(e){super();this.t=e}m(e){return o.execFile("git",["log",e],{cwd:this.t})}}t.a%d=a%d,t.c=c%d,t.d=function(e){return process.env[e]||JSON.stringify({e,n:process.env.HOME})}},`, i, i-1, i, i, i, i, i, i)
	}
	b.WriteString(`};var t={};function r(n){var o=t[n];if(void 0!==o)return o.exports;var s=t[n]={exports:{}};return e[n](s,s.exports,r),s.exports}module.exports=r(10)})();`)
	return []byte(b.String())
}

// BenchmarkExtract measures extraction of a generated 6 MB bundle. Each
// iteration also parses (outside the timer) so that the logged ratio of
// extract to parse time compares runs under the same machine load.
func BenchmarkExtract(b *testing.B) {
	src := genBundle(6 << 20)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	b.ResetTimer()
	var parseTime, extractTime time.Duration
	calls := 0
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		t0 := time.Now()
		tree, err := parse.Parse(context.Background(), source.JavaScript, src, nil)
		if err != nil {
			b.Fatal(err)
		}
		parseTime += time.Since(t0)
		b.StartTimer()
		t1 := time.Now()
		f, err := Extract("bundle.js", source.JavaScript, src, tree)
		extractTime += time.Since(t1)
		if err != nil {
			b.Fatal(err)
		}
		calls = len(f.Calls)
	}
	b.Logf("%d bytes: parse %v/op, extract %v/op (%.0f%% of parse), %d calls",
		len(src), parseTime/time.Duration(b.N), extractTime/time.Duration(b.N), 100*float64(extractTime)/float64(parseTime), calls)
}

// TestBundleFacts checks that the generated bundle resolves through the module table.
func TestBundleFacts(t *testing.T) {
	src := genBundle(64 << 10)
	f := extractSrc(t, "bundle.js", src)
	count := map[string]int{}
	for _, c := range f.Calls {
		count[c.Module+"."+c.Member]++
	}
	for _, want := range []string{"fs.readFileSync", "child_process.execFile", "globalThis.process.env"} {
		if count[want] == 0 {
			t.Errorf("no %s call in the bundle; calls: %v", want, count)
		}
	}
}
