package manifest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/finding"
)

// bigCase is a server with 200 tools, each with three grants, and 10,000
// findings: far beyond real servers, to keep Check cheap on every keystroke.
func bigCase() ([]byte, *finding.Result) {
	var b strings.Builder
	b.WriteString("version: 1\nserver:\n  system.env: [\"APP_*\"]\ntools:\n")
	res := &finding.Result{}
	for i := 0; i < 200; i++ {
		name := fmt.Sprintf("tool_%03d", i)
		fmt.Fprintf(&b, "  %s:  # tool %d\n    file.read: [\"${ROOT}/data/%d/**\"]\n    network.client: [api%d.example.com, \"*.cdn.example.com\"]\n    system.exec: [git]\n", name, i, i, i)
		res.Tools = append(res.Tools, finding.Tool{Name: name, File: "src/index.ts"})
	}
	for i := 0; i < 10000; i++ {
		t := fmt.Sprintf("tool_%03d", i%200)
		switch i % 3 {
		case 0:
			res.Findings = append(res.Findings, capFinding(capability.FileRead, "fs.readFile", fmt.Sprintf("${ROOT}/data/%d/x/y.json", i%200), "path", false, t))
		case 1:
			res.Findings = append(res.Findings, capFinding(capability.NetworkClient, "fetch", fmt.Sprintf("https://img%d.cdn.example.com/a", i), "url", false, t))
		default:
			res.Findings = append(res.Findings, capFinding(capability.SystemExec, "exec", "git log", "command", false, t))
		}
	}
	return []byte(b.String()), res
}

func BenchmarkParse(b *testing.B) {
	data, _ := bigCase()
	b.SetBytes(int64(len(data)))
	for i := 0; i < b.N; i++ {
		Parse(FileName, data)
	}
}

func BenchmarkCheck(b *testing.B) {
	data, res := bigCase()
	m, _ := Parse(FileName, data)
	for i := 0; i < b.N; i++ {
		r := *res
		r.Findings = append([]finding.Finding(nil), res.Findings...)
		Check(m, &r, nil)
	}
}

func BenchmarkParseAliasBomb(b *testing.B) {
	data := []byte(billionLaughs())
	for i := 0; i < b.N; i++ {
		Parse(FileName, data)
	}
}

func BenchmarkAddGrant(b *testing.B) {
	data, _ := bigCase()
	for i := 0; i < b.N; i++ {
		if _, err := AddGrant(data, "tool_150", capability.FileWrite, "${ROOT}/out/**"); err != nil {
			b.Fatal(err)
		}
	}
}
